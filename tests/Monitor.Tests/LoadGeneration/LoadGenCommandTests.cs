using System.Text.Json;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Monitor.Tests.Services;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

/// <summary>The <c>loadgen</c> verb as a user runs it: options parsed, the table printed, the JSON written and readable.</summary>
public sealed class LoadGenCommandTests : IDisposable
{
    private readonly ServingBundles _bundles = new();
    private readonly string _dir = RepoPaths.NewTempDir("pm-loadgen");

    public void Dispose()
    {
        _bundles.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Runs_against_a_sidecar_prints_the_table_and_writes_json()
    {
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root);
        var json = Path.Combine(_dir, "out", "report.json");
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = await LoadGenCommand.InvokeAsync(
            ["loadgen", "--target", sidecar.GrpcAddress.ToString(), "--rate", "40", "--duration", "500ms", "--warmup", "0", "-c", "2", "--json", json], output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("requests 20, ok 20, errors 0;", text);
        Assert.Contains("| all | 20 | 100.0% |", text);
        Assert.Contains("| OK | 20 | 100.0% |", text);
        Assert.Contains("open loop at 40/s", text);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(("activations", "unary", 20, 20, 0), (root.GetProperty("mode").GetString(), root.GetProperty("rpc").GetString(),
            root.GetProperty("requests").GetInt32(), root.GetProperty("ok").GetInt32(), root.GetProperty("errors").GetInt32()));
        Assert.Equal(40, root.GetProperty("rate").GetDouble());
        Assert.Empty(root.GetProperty("errors_by_status").EnumerateObject());
        var latency = root.GetProperty("latency_us");
        Assert.Equal(20, latency.GetProperty("count").GetInt32());
        double p50 = latency.GetProperty("p50").GetDouble(), p99 = latency.GetProperty("p99").GetDouble(), max = latency.GetProperty("max").GetDouble();
        Assert.True(0 < p50 && p50 <= p99 && p99 <= max);
        Assert.Equal(20, root.GetProperty("latency_us_by_status").GetProperty("OK").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Help_lists_every_option()
    {
        var output = new StringWriter();
        Assert.Equal(0, await LoadGenCommand.InvokeAsync(["loadgen", "--help"], output));
        foreach (var option in new[] { "--target", "--mode", "--rpc", "--concurrency", "--rate", "--duration", "--warmup", "--api-key", "--d-model", "--prompts", "--json" })
            Assert.Contains(option, output.ToString());
        // Durations' defaults are shown as they are typed, not as TimeSpans.
        Assert.Contains("[default: 10s]", output.ToString());
        Assert.Contains("[default: 30s]", output.ToString());
        Assert.DoesNotContain("00:00:", output.ToString());
    }

    [Theory]
    [InlineData("--duration", "5x", "'5x' is not a duration")]
    [InlineData("--concurrency", "0", "--concurrency must be at least 1")]
    [InlineData("--rate", "-3", "--rate must be a positive number")]
    [InlineData("--target", "nowhere", "--target 'nowhere' is not an absolute address")]
    public async Task Bad_options_fail_with_a_message_naming_them(string option, string value, string message)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.NotEqual(0, await LoadGenCommand.InvokeAsync(["loadgen", option, value], output, error));
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void Only_a_leading_loadgen_selects_the_verb()
    {
        Assert.True(LoadGenCommand.IsInvoked(["loadgen", "--help"]));
        Assert.False(LoadGenCommand.IsInvoked(["--probes", "loadgen"]));
        Assert.False(LoadGenCommand.IsInvoked([]));
    }
}
