using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>A real Prometheus (Debian's) on a loopback port, scraping one target every second, with a small query API.</summary>
internal sealed class PrometheusProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly Queue<string> _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PrometheusProcess(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    /// <summary>The port of its web API.</summary>
    public int Port { get; }

    /// <summary>Starts Prometheus scraping <c>http://{target}/metrics</c> as job "probemonitor".</summary>
    public static PrometheusProcess Start(string target)
    {
        var dir = RepoPaths.NewTempDir("pm-prometheus");
        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, $$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: probemonitor
                static_configs:
                  - targets: ['{{target}}']
            """);
        int port = FreeLoopbackPort();
        var psi = new ProcessStartInfo(Peers.FindExecutable("prometheus")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn" })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start prometheus");
        var prometheus = new PrometheusProcess(process, dir, port);
        process.OutputDataReceived += (_, e) => prometheus.Log(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return prometheus;
    }

    /// <summary>The instant-query result vector (the <c>data.result</c> array), or throws with Prometheus's error.</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        var body = await GetAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"query failed: {promql}\n{body}");
        return doc.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>The values of <paramref name="label"/> on series matching <paramref name="match"/> (what Grafana's label_values asks).</summary>
    public async Task<List<string>> LabelValuesAsync(string label, string match)
    {
        var body = await GetAsync($"/api/v1/label/{label}/values?match[]={Uri.EscapeDataString(match)}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    /// <summary>Waits until Prometheus has stored at least <paramref name="scrapes"/> successful scrapes of the target.</summary>
    public async Task WaitForScrapesAsync(int scrapes, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        string last = "(no answer yet)";
        while (clock.Elapsed < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{LogText()}");
            try
            {
                var result = await QueryAsync("sum_over_time(up{job=\"probemonitor\"}[5m])");
                if (result.GetArrayLength() == 1 && double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= scrapes)
                    return;
                last = result.ToString();
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // not listening yet
            }
            catch (TaskCanceledException e)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"fewer than {scrapes} scrapes within {deadline}; last answer: {last}\nprometheus log:\n{LogText()}");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a late TSDB file handle must not fail a passing test.
        }
    }

    private Task<string> GetAsync(string pathAndQuery) => _http.GetStringAsync($"http://127.0.0.1:{Port}{pathAndQuery}");

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > 100) _log.Dequeue();
        }
    }

    private string LogText()
    {
        lock (_log) return string.Join('\n', _log);
    }

    private static int FreeLoopbackPort()
    {
        // Another process could take the port before Prometheus binds it; that shows up as Prometheus exiting, with its log.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
