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
        Assert.Equal((32, 5, 256), (o.MaxBatch, o.MaxWaitMs, o.QueueCapacity));
    }

    [Fact]
    public void Bad_numbers_name_their_key()
    {
        Assert.Contains("'max-batch' is 'lots'", Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--max-batch", "lots"))).Message);
        Assert.Contains("'queue-capacity' is '0'", Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--queue-capacity", "0"))).Message);
        Assert.Contains("'max-wait-ms'", Assert.Throws<FormatException>(() => MonitorOptions.FromConfiguration(CommandLine("--max-wait-ms", "-1"))).Message);
    }
}
