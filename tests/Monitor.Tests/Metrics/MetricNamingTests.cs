using ProbeMonitor.Monitor.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

public sealed class MetricNamingTests
{
    [Theory]
    [InlineData("probemon_requests_total", "probemon_requests_total")]
    [InlineData("probemon.request.duration", "probemon_request_duration")]
    [InlineData("9lives", "_9lives")]
    [InlineData("a-b c:d", "a_b_c_d")]
    [InlineData("größe", "gr__e")]
    public void Metric_names_are_sanitised_to_the_grammar(string raw, string expected)
    {
        Assert.Equal(expected, MetricNaming.SanitizeMetricName(raw));
        Assert.True(MetricNaming.IsValidMetricName(expected));
    }

    [Theory]
    [InlineData("method", "method")]
    [InlineData("http.method", "http_method")]
    [InlineData("1st", "key_1st")]
    [InlineData("__name__", "key__name__")]
    [InlineData("", "key_")]
    [InlineData("_ok", "_ok")]
    public void Label_names_are_sanitised_and_reserved_prefixes_avoided(string raw, string expected)
    {
        Assert.Equal(expected, MetricNaming.SanitizeLabelName(raw));
        Assert.True(MetricNaming.IsValidLabelName(expected));
        Span<char> buffer = stackalloc char[64];
        int n = MetricNaming.WriteSanitizedLabelName(raw, buffer);
        Assert.Equal(expected, new string(buffer[..n]));
        Assert.Equal(expected.Length, MetricNaming.SanitizedLabelNameLength(raw));
    }

    [Theory]
    // Named exactly as exported: identity.
    [InlineData("probemon_request_duration_seconds", "s", PrometheusMetricType.Histogram, "probemon_request_duration_seconds")]
    [InlineData("probemon_requests_total", null, PrometheusMetricType.Counter, "probemon_requests_total")]
    [InlineData("probemon_drift_activation_ood_ratio", "1", PrometheusMetricType.Gauge, "probemon_drift_activation_ood_ratio")]
    // Named the OpenTelemetry way: unit and _total appended.
    [InlineData("probemon.request.duration", "s", PrometheusMetricType.Histogram, "probemon_request_duration_seconds")]
    [InlineData("probemon.requests", "{request}", PrometheusMetricType.Counter, "probemon_requests_total")]
    [InlineData("probemon.sent", "By", PrometheusMetricType.Counter, "probemon_sent_bytes_total")]
    [InlineData("probemon_sent_bytes_total", "By", PrometheusMetricType.Counter, "probemon_sent_bytes_total")]
    [InlineData("probemon.cpu.utilization", "1", PrometheusMetricType.Gauge, "probemon_cpu_utilization_ratio")]
    [InlineData("probemon.events", "1", PrometheusMetricType.Counter, "probemon_events_total")]
    [InlineData("probemon.queue", "{request}", PrometheusMetricType.Gauge, "probemon_queue")]
    public void Exported_names_follow_the_naming_guide(string instrument, string? unit, PrometheusMetricType type, string expected) =>
        Assert.Equal(expected, MetricNaming.ExportedName(instrument, unit, type));
}
