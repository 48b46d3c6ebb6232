using System.Diagnostics;
using System.Globalization;

namespace ProbeMonitor.Benchmarks;

/// <summary>This benchmark program started again as <c>serve --server</c> in a child process; closing its stdin stops it.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();

    private ServerProcess(Process process, Uri grpc, Uri http)
    {
        _process = process;
        GrpcAddress = grpc;
        HttpAddress = http;
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public int Pid => _process.Id;

    /// <summary>The CPU time the server process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static async Task<ServerProcess> StartAsync(string probesDir, IEnumerable<string> serverArgs)
    {
        // Under `dotnet X.dll` the process is dotnet and the program is our assembly; under the apphost it is the program itself.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        foreach (var a in new[] { "serve", "--server", "--probes", probesDir }.Concat(serverArgs)) psi.ArgumentList.Add(a);
        // The sidecar runs with Server GC (the Web SDK's default; see ProbeMonitor.Monitor.runtimeconfig.json), this console
        // benchmark with workstation GC; its server child must run as the sidecar does. DOTNET_gcServer set by the caller wins.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_gcServer"))) psi.Environment["DOTNET_gcServer"] = "1";
        // Likewise without DATAS (GarbageCollectionAdaptationMode 0 in ProbeMonitor.Monitor.csproj).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_GCDynamicAdaptationMode"))) psi.Environment["DOTNET_GCDynamicAdaptationMode"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server process");
        try
        {
            while (true)
            {
                // Kestrel may log first (e.g. "Overriding address(es)"); the ports line is the one starting "grpc ".
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120))
                           ?? throw new InvalidOperationException("the server process exited before printing its ports");
                if (line.Split(' ') is not ["grpc", var grpc, "http", var http]) continue;
                _ = process.StandardOutput.ReadToEndAsync(); // drain, so a chatty server never blocks on a full pipe
                return new ServerProcess(process, new Uri($"http://{grpc}"), new Uri($"http://{http}"));
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Where the child server reports its managed heap (see ServeBenchmark's server).</summary>
    public const string MemoryPath = "/bench/memory";

    /// <summary>Where the child server reports its garbage collections so far (see ServeBenchmark's server).</summary>
    public const string GcPath = "/bench/gc";

    /// <summary>The server's garbage collections so far and their total pause.</summary>
    public async Task<(int Collections, double PauseMs)> GcAsync()
    {
        var gc = (await _http.GetStringAsync(new Uri(HttpAddress, GcPath))).Split(' ', StringSplitOptions.TrimEntries);
        return (int.Parse(gc[0], CultureInfo.InvariantCulture), double.Parse(gc[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Whether the server process is still running.</summary>
    public bool IsRunning
    {
        get
        {
            _process.Refresh();
            return !_process.HasExited;
        }
    }

    /// <summary>The server's resident set (VmRSS of /proc/PID/status), the managed heap after its last GC, and the bytes allocated now.</summary>
    public async Task<(long RssBytes, long GcHeapBytes, long AllocatedBytes)> MemoryAsync()
    {
        var status = await File.ReadAllLinesAsync($"/proc/{Pid}/status");
        var rss = status.Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rss is not [_, var kb, "kB"]) throw new InvalidDataException($"unexpected VmRSS line in /proc/{Pid}/status: {string.Join(' ', rss)}");
        var heap = (await _http.GetStringAsync(new Uri(HttpAddress, MemoryPath))).Split(' ', StringSplitOptions.TrimEntries);
        return (long.Parse(kb, CultureInfo.InvariantCulture) * 1024, long.Parse(heap[0], CultureInfo.InvariantCulture), long.Parse(heap[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The sum of the samples of <paramref name="name"/> in the server's /metrics whose labels include all of
    /// <paramref name="labels"/> (0 when there is none).</summary>
    public async Task<double> MetricAsync(string name, params string[] labels)
    {
        var text = await _http.GetStringAsync(new Uri(HttpAddress, "/metrics"));
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!(line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))) continue;
            int space = line.LastIndexOf(' ');
            if (labels.All(l => line.AsSpan(0, space).Contains(l, StringComparison.Ordinal)))
                sum += double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return sum;
    }

    /// <summary>The cumulative bucket counts (upper bound → count) of histogram <paramref name="name"/> in the server's /metrics,
    /// summed over the series whose labels include all of <paramref name="labels"/>.</summary>
    public async Task<SortedDictionary<double, double>> HistogramAsync(string name, params string[] labels)
    {
        var text = await _http.GetStringAsync(new Uri(HttpAddress, "/metrics"));
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "_bucket{", StringComparison.Ordinal)) continue;
            int space = line.LastIndexOf(' ');
            var series = line[..space];
            if (!labels.All(l => series.Contains(l, StringComparison.Ordinal))) continue;
            int le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
            var bound = line[le..line.IndexOf('"', le)];
            double upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
            buckets[upper] = buckets.GetValueOrDefault(upper) + double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return buckets;
    }

    /// <summary>The mean scoring batch size so far, from the server's /metrics.</summary>
    public async Task<double> BatchSizesAsync()
    {
        var text = await _http.GetStringAsync(new Uri(HttpAddress, "/metrics"));
        double Sample(string name) => text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).Single();
        return Sample("probemon_batch_size_sum") / Sample("probemon_batch_size_count");
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
