using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

/// <summary>A real Prometheus server (Debian's 2.42) scrapes the sidecar over a real socket and answers a PromQL query
/// with the value the test recorded.</summary>
public sealed class PrometheusScrapeTests
{
    private static readonly TimeSpan QueryDeadline = TimeSpan.FromSeconds(45);

    [PeerFact("exe:prometheus")]
    public async Task Prometheus_scrapes_the_sidecar_and_returns_the_recorded_drift_values()
    {
        var temp = RepoPaths.NewTempDir("pm-prometheus");
        Process? prometheus = null;
        var log = new BoundedLog(100);
        await using var app = MonitorApp.Build(["--urls", "http://127.0.0.1:0", "--grpc-urls", ""]); // no gRPC listener: its default port may be taken
        try
        {
            await app.StartAsync();
            var target = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            // The drift publisher (a BackgroundService, which .NET 10 starts on a pool thread) publishes the registry's probe
            // set once at start-up, replacing the labels set below if it runs after them; publishing here first makes its
            // background pass a no-op (it republishes labels only when the set changes).
            app.Services.GetRequiredService<DriftPublisher>().PublishNow();
            var metrics = app.Services.GetRequiredService<MonitorMetrics>();
            metrics.SetLoadedProbes([new("tox-l12", "toxicity", "linear")]);
            metrics.PublishDrift("tox-l12", new DriftGaugeValues { Psi = 0.1234, TransferRisk = 0.375 });
            foreach (var score in new[] { 0.1, 0.42, 0.97 }) metrics.RecordProbeScore("tox-l12", score, score > 0.5);

            int port = FreeLoopbackPort();
            var config = Path.Combine(temp, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: probemon
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['{target.Host}:{target.Port}']
                """);
            prometheus = StartPrometheus(config, Path.Combine(temp, "data"), port, log);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var psi = await PollQuery(http, port, "probemon_drift_psi", prometheus, log);
            Assert.Equal(0.1234, psi.Value, 12);
            Assert.Equal("tox-l12", psi.Labels["probe"]);
            Assert.Equal("probemon", psi.Labels["job"]);

            // The same scrape carried the histogram; Prometheus must have parsed its cumulative buckets.
            var scored = await PollQuery(http, port, "probemon_probe_score_bucket{le=\"0.5\"}", prometheus, log);
            Assert.Equal(2, scored.Value);
            var risk = await PollQuery(http, port, "probemon_transfer_risk", prometheus, log);
            Assert.Equal(0.375, risk.Value);
        }
        finally
        {
            if (prometheus is not null)
            {
                if (!prometheus.HasExited) prometheus.Kill(entireProcessTree: true);
                prometheus.WaitForExit(10_000);
                prometheus.Dispose();
            }
            await app.StopAsync();
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a late TSDB file handle must not fail an otherwise passing test.
            }
        }
    }

    private sealed record Sample(double Value, IReadOnlyDictionary<string, string> Labels);

    private static async Task<Sample> PollQuery(HttpClient http, int port, string query, Process prometheus, BoundedLog log)
    {
        var url = $"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}";
        var deadline = Stopwatch.StartNew();
        string last = "(no answer yet)";
        while (deadline.Elapsed < QueryDeadline)
        {
            if (prometheus.HasExited)
                Assert.Fail($"prometheus exited with {prometheus.ExitCode} before answering '{query}':\n{log}");
            try
            {
                last = await http.GetStringAsync(url);
                using var doc = JsonDocument.Parse(last);
                var result = doc.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() == 1)
                {
                    var sample = result[0];
                    var labels = sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                    var value = double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    return new Sample(value, labels);
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // Not listening yet.
            }
            catch (TaskCanceledException e)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"no single sample for '{query}' within {QueryDeadline}; last answer: {last}\nprometheus log:\n{log}");
        return null!;
    }

    private static Process StartPrometheus(string config, string data, int port, BoundedLog log)
    {
        var psi = new ProcessStartInfo(Peers.FindExecutable("prometheus")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(config)!,
        };
        foreach (var arg in new[]
                 {
                     $"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}",
                     "--log.level=warn",
                 })
            psi.ArgumentList.Add(arg);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start prometheus");
        p.OutputDataReceived += (_, e) => log.Add(e.Data);
        p.ErrorDataReceived += (_, e) => log.Add(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static int FreeLoopbackPort()
    {
        // Another process could take the port between here and Prometheus binding it; on loopback in a test that is rare
        // and shows up as Prometheus exiting, which the poll reports with the log.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The last lines a child process wrote, for failure messages; drained continuously so the child never blocks on a full pipe.</summary>
    private sealed class BoundedLog(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null) return;
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity) _lines.Dequeue();
            }
        }

        public override string ToString()
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }
}
