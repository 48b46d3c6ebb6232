using Microsoft.Extensions.Configuration;
using ProbeMonitor.Monitor.Configuration;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Configuration;

public sealed class MonitorOptionsTests
{
    private static IConfiguration CommandLine(params string[] args) => new ConfigurationBuilder().AddCommandLine(args).Build();

    [Fact]
    public void Command_line_keys_bind()
    {
        var o = MonitorOptions.FromConfiguration(CommandLine(
            "--model", "/models/gemma-2-2b", "--probes", "/probes", "--max-batch", "16", "--max-wait-ms", "2",
            "--queue-capacity", "64", "--cache-size-mb", "8", "--api-key", "s3cret"));
        Assert.Equal("/models/gemma-2-2b", o.ModelDir);
        Assert.Equal((null, null), (o.TokenizerPath, o.ModelId));
        var model = MonitorOptions.FromConfiguration(CommandLine("--model", "/m", "--tokenizer", "/t/tokenizer.json", "--model-id", " google/gemma-2-2b "));
        Assert.Equal(("/t/tokenizer.json", "google/gemma-2-2b"), (model.TokenizerPath, model.ModelId));
        Assert.Contains("TokenizerPath = /t/tokenizer.json, ModelId = google/gemma-2-2b", model.ToString());
        Assert.Equal("/probes", o.ProbesDir);
        Assert.Equal((16, 2, 64), (o.MaxBatch, o.MaxWaitMs, o.QueueCapacity));
        Assert.Equal(8L * 1024 * 1024, o.CacheSizeBytes);
        Assert.Equal("s3cret", o.ApiKey);
        Assert.DoesNotContain("s3cret", o.ToString());
        Assert.Contains("ApiKey = (set)", o.ToString());

        var batcher = o.ToBatcherOptions(4096);
        Assert.Equal((16, 4096L, TimeSpan.FromMilliseconds(2), 64), (batcher.MaxBatchSize, batcher.MaxBatchTokens, batcher.MaxWait, batcher.QueueCapacity));
    }

    [Fact]
    public void Unset_keys_keep_defaults()
    {
        var o = MonitorOptions.FromConfiguration(CommandLine());
        Assert.Equal(new MonitorOptions(), o);
        Assert.Null(o.ProbesDir);
        Assert.Equal((32, 5, 1024), (o.MaxBatch, o.MaxWaitMs, o.QueueCapacity));
    }

    [Fact]
    public void Bad_numbers_name_their_key()
    {
        Assert.Contains("'max-batch' is 'lots'", Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--max-batch", "lots"))).Message);
        Assert.Contains("'queue-capacity' is '0'", Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--queue-capacity", "0"))).Message);
        Assert.Contains("'max-wait-ms'", Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--max-wait-ms", "-1"))).Message);
    }
    [Fact]
    public void Scoring_and_drift_keys_bind_into_batcher_and_drift_options()
    {
        var o = MonitorOptions.FromConfiguration(CommandLine(
            "--activations-max-wait-ms", "1", "--max-batch-tokens", "4096", "--drift-window", "40", "--drift-min-requests", "20", "--drift-publish-ms", "250"));
        Assert.Equal((1, 4096, 40, 20, 250), (o.ActivationsMaxWaitMs, o.MaxBatchTokens, o.DriftWindowRequests, o.DriftMinimumRequests, o.DriftPublishMs));
        var activations = o.ToActivationBatcherOptions();
        Assert.Equal((32, TimeSpan.FromMilliseconds(1), 1024), (activations.MaxBatchSize, activations.MaxWait, activations.QueueCapacity));
        var window = o.ToProbeScoringOptions().Window;
        Assert.Equal((40, 10, 20), (window.Requests, window.SubWindows, window.MinimumCount));

        // Defaults: greedy activation batches, the library's drift window; a small window lowers the default minimum with it.
        var d = MonitorOptions.FromConfiguration(CommandLine());
        Assert.Equal((0, 2000, 500, 5000), (d.ActivationsMaxWaitMs, d.DriftWindowRequests, d.DriftMinimumRequests, d.DriftPublishMs));
        Assert.Equal(8, MonitorOptions.FromConfiguration(CommandLine("--drift-window", "8")).ToProbeScoringOptions().Window.SubWindows);
        Assert.Equal(8, MonitorOptions.FromConfiguration(CommandLine("--drift-window", "8")).DriftMinimumRequests);
        Assert.Contains("'drift-min-requests' is '50'; it must be an integer from 1 to 40",
            Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--drift-window", "40", "--drift-min-requests", "50"))).Message);
    }
}
