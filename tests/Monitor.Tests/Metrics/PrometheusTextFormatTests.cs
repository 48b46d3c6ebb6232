using ProbeMonitor.Monitor.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

public sealed class PrometheusTextFormatTests
{
    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    [Fact]
    public void Counter_and_gauge_families_print_exactly()
    {
        var families = new[]
        {
            new MetricFamily("z_temperature_celsius", "Temperature.", PrometheusMetricType.Gauge,
                [new MetricPoint(LabelSet.Empty, -1.5)]),
            new MetricFamily("a_requests_total", "Requests answered.", PrometheusMetricType.Counter,
            [
                new MetricPoint(LabelSet.Of(("status", "OK"), ("method", "Score")), 3),
                new MetricPoint(LabelSet.Of(("method", "Health"), ("status", "OK")), 5),
            ]),
        };
        Assert.Equal(Lines(
            "# HELP a_requests_total Requests answered.",
            "# TYPE a_requests_total counter",
            "a_requests_total{method=\"Health\",status=\"OK\"} 5",
            "a_requests_total{method=\"Score\",status=\"OK\"} 3",
            "# HELP z_temperature_celsius Temperature.",
            "# TYPE z_temperature_celsius gauge",
            "z_temperature_celsius -1.5"), PrometheusTextFormat.Write(families));
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_with_inf_equal_to_count()
    {
        var layout = new BucketLayout([1, 2, 5]);
        var family = new MetricFamily("h_seconds", "Latency.", PrometheusMetricType.Histogram,
            [new MetricPoint(LabelSet.Of(("m", "x")), 10, [2, 1, 0, 1])], layout);
        Assert.Equal(Lines(
            "# HELP h_seconds Latency.",
            "# TYPE h_seconds histogram",
            "h_seconds_bucket{m=\"x\",le=\"1\"} 2",
            "h_seconds_bucket{m=\"x\",le=\"2\"} 3",
            "h_seconds_bucket{m=\"x\",le=\"5\"} 3",
            "h_seconds_bucket{m=\"x\",le=\"+Inf\"} 4",
            "h_seconds_sum{m=\"x\"} 10",
            "h_seconds_count{m=\"x\"} 4"), PrometheusTextFormat.Write([family]));
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        var family = new MetricFamily("g", "Line one\nback\\slash \"quoted\"", PrometheusMetricType.Gauge,
            [new MetricPoint(LabelSet.Of(("path", "C:\\dir\n\"x\"")), 1)]);
        Assert.Equal(Lines(
            "# HELP g Line one\\nback\\\\slash \"quoted\"",
            "# TYPE g gauge",
            "g{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1"), PrometheusTextFormat.Write([family]));
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(42.0, "42")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(1.5e20, "1.5E+20")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Values_round_trip_in_go_float_syntax(double value, string expected)
    {
        Assert.Equal(expected, PrometheusTextFormat.FormatValue(value));
        if (double.IsFinite(value))
            Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Empty_families_are_left_out_and_help_is_optional()
    {
        var families = new[]
        {
            new MetricFamily("empty", "Nothing yet.", PrometheusMetricType.Gauge, []),
            new MetricFamily("bare", "", PrometheusMetricType.Gauge, [new MetricPoint(LabelSet.Empty, 1)]),
        };
        Assert.Equal(Lines("# TYPE bare gauge", "bare 1"), PrometheusTextFormat.Write(families));
    }

    [Fact]
    public void Inconsistent_input_is_refused_with_the_metric_named()
    {
        var point = new MetricPoint(LabelSet.Empty, 1);
        var dup = Assert.Throws<ArgumentException>(() => PrometheusTextFormat.Write(
            [new MetricFamily("x", "", PrometheusMetricType.Gauge, [point]), new MetricFamily("x", "", PrometheusMetricType.Gauge, [point])]));
        Assert.Contains("'x'", dup.Message);

        var badName = Assert.Throws<ArgumentException>(() => PrometheusTextFormat.Write(
            [new MetricFamily("bad-name", "", PrometheusMetricType.Gauge, [point])]));
        Assert.Contains("bad-name", badName.Message);

        var layout = new BucketLayout([1.0]);
        var wrongBuckets = Assert.Throws<ArgumentException>(() => PrometheusTextFormat.Write(
            [new MetricFamily("h", "", PrometheusMetricType.Histogram, [new MetricPoint(LabelSet.Empty, 0, [1, 2, 3])], layout)]));
        Assert.Contains("'h'", wrongBuckets.Message);

        var reserved = Assert.Throws<ArgumentException>(() => PrometheusTextFormat.Write(
            [new MetricFamily("h", "", PrometheusMetricType.Histogram, [new MetricPoint(LabelSet.Of(("le", "1")), 0, [1, 2])], layout)]));
        Assert.Contains("le", reserved.Message);

        var twice = Assert.Throws<ArgumentException>(() => PrometheusTextFormat.Write(
            [new MetricFamily("g", "", PrometheusMetricType.Gauge, [point, point])]));
        Assert.Contains("'g'", twice.Message);
    }

    [Fact]
    public void Bucket_layouts_are_validated_and_linear_bounds_print_cleanly()
    {
        Assert.Throws<ArgumentException>(() => new BucketLayout([1, 1]));
        Assert.Throws<ArgumentException>(() => new BucketLayout([2, 1]));
        Assert.Throws<ArgumentException>(() => new BucketLayout([double.NaN]));
        Assert.Equal(2, new BucketLayout([1, 2, double.PositiveInfinity]).Count);

        var linear = HistogramBuckets.Linear(0.05, 0.05, 20);
        var layout = new BucketLayout(linear);
        var labels = Enumerable.Range(0, layout.Count).Select(layout.LabelAt).ToArray();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (i * 5 / 100m).ToString(System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.')), labels);
    }

    [Fact]
    public void Bucket_search_matches_a_naive_scan_for_short_and_long_layouts()
    {
        var rng = new Random(7);
        foreach (int n in new[] { 1, 5, 16, 32, 33, 40 })
        {
            var bounds = Enumerable.Range(0, n).Select(i => i * 0.5 - 3).ToArray();
            var layout = new BucketLayout(bounds);
            var probes = bounds.Concat(Enumerable.Range(0, 200).Select(_ => rng.NextDouble() * 30 - 6))
                .Append(double.NaN).Append(double.PositiveInfinity).Append(double.NegativeInfinity);
            foreach (var v in probes)
            {
                int naive = Array.FindIndex(bounds, b => v <= b);
                Assert.Equal(naive < 0 ? n : naive, layout.BucketOf(v));
            }
        }
    }
}
