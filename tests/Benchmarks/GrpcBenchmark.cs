using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>The gRPC transport alone: unary latency, unary throughput and bidi-stream throughput of the Monitor's Kestrel
/// gRPC layer against Python grpcio's server (the peer), both driven by the same C# client over h2c on loopback.</summary>
/// <remarks>Both servers do the same trivial work (echo the id, score n/(n+1)), so the numbers are framing, HTTP/2 and
/// dispatch costs. Client and server share the machine's cores, so this is a relative measure, not a capacity figure.</remarks>
public static class GrpcBenchmark
{
    /// <summary>Runs it; <c>--calls N</c> sequential unary calls, <c>--seconds S</c> per throughput phase,
    /// <c>--concurrency C</c> callers, <c>--messages M</c> stream messages.</summary>
    public static int Run(string[] args)
    {
        int calls = IntOption(args, "--calls", 3000);
        int seconds = IntOption(args, "--seconds", 3);
        int concurrency = IntOption(args, "--concurrency", 32);
        int messages = IntOption(args, "--messages", 20_000);
        return RunAsync(calls, seconds, concurrency, messages).GetAwaiter().GetResult();
    }

    private sealed record Result(double P50Us, double P99Us, double UnaryPerSecond, double StreamPerSecond);

    private static async Task<int> RunAsync(int calls, int seconds, int concurrency, int messages)
    {
        Console.WriteLine($"grpc: {calls} sequential unary calls, {seconds} s of {concurrency} concurrent callers, {messages} bidi messages; " +
                          $"{Environment.ProcessorCount} logical CPUs; load average before {BenchmarkTimer.LoadAverage()}");
        await using var app = MonitorApp.Build(["--Logging:LogLevel:Default=Warning", "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0"],
            services => services.AddSingleton<IScoringService, EchoScoring>());
        await app.StartAsync();
        var ours = await MeasureAsync(new Uri($"http://{app.Services.GetRequiredService<MonitorListeners>().BoundGrpcEndPoints[0]}"),
            calls, seconds, concurrency, messages);
        await app.StopAsync();

        Result? peer = null;
        string? why = PythonPeer.Missing();
        if (why is null)
        {
            using var python = await PythonPeer.StartAsync();
            peer = await MeasureAsync(python.Address, calls, seconds, concurrency, messages);
        }

        Console.WriteLine();
        Console.WriteLine("| metric | ProbeMonitor (Kestrel) | Python grpcio server | ratio (ours / peer, >1 = ours better) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("unary latency p50 (µs)", ours.P50Us, peer?.P50Us, lowerIsBetter: true);
        Row("unary latency p99 (µs)", ours.P99Us, peer?.P99Us, lowerIsBetter: true);
        Row($"unary calls/s ({concurrency} callers)", ours.UnaryPerSecond, peer?.UnaryPerSecond, lowerIsBetter: false);
        Row("bidi stream messages/s (1 stream)", ours.StreamPerSecond, peer?.StreamPerSecond, lowerIsBetter: false);
        Console.WriteLine();
        Console.WriteLine(why is null ? $"load average after {BenchmarkTimer.LoadAverage()}" : $"peer not run: {why}");
        return 0;
    }

    private static void Row(string metric, double ours, double? peer, bool lowerIsBetter)
    {
        var ratio = peer is { } p ? (lowerIsBetter ? p / ours : ours / p).ToString("F2", CultureInfo.InvariantCulture) : "—";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {metric} | {ours:N0} | {(peer is { } q ? q.ToString("N0", CultureInfo.InvariantCulture) : "—")} | {ratio} |"));
    }

    private static async Task<Result> MeasureAsync(Uri address, int calls, int seconds, int concurrency, int messages)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var request = new ScoreRequest { RequestId = "bench", Prompt = "How tall is the Eiffel tower?" };
        for (int i = 0; i < 200; i++) await channel.UnaryCall(ProbeMonitorMethods.Score, request); // warm-up: connection, JIT

        var latencies = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await channel.UnaryCall(ProbeMonitorMethods.Score, request);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(latencies);

        long completed = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                await channel.UnaryCall(ProbeMonitorMethods.Score, request);
                Interlocked.Increment(ref completed);
            }
        }));
        double unaryPerSecond = completed / stop.Elapsed.TotalSeconds;

        using var call = channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream);
        var streamed = Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < messages; i++) await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
        });
        int received = 0;
        await foreach (var response in call.ReadAllAsync())
        {
            if (response.RequestId != "bench") throw new InvalidOperationException($"wrong response '{response.RequestId}'");
            received++;
        }
        await writer;
        if (received != messages) throw new InvalidOperationException($"{received} of {messages} stream responses arrived");
        double streamPerSecond = messages / streamed.Elapsed.TotalSeconds;

        return new Result(latencies[calls / 2], latencies[(int)(calls * 0.99)], unaryPerSecond, streamPerSecond);
    }

    /// <summary>The same trivial work as the Python peer: echo the id, score n/(n+1).</summary>
    private sealed class EchoScoring : IScoringService
    {
        public Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
        {
            int n = request.Prompt.Length;
            return Task.FromResult(new ScoreResponse
            {
                RequestId = request.RequestId,
                Model = "bench",
                Scores = { new ProbeScore { ProbeId = "len", Probability = n / (n + 1f) } },
            });
        }

        public Task<ListProbesResponse> ListProbesAsync(ListProbesRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ListProbesResponse());

        public Task<ReloadProbesResponse> ReloadProbesAsync(ReloadProbesRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ReloadProbesResponse());
    }

    /// <summary>tests/Monitor.Tests/Grpc/Python/peer_server.py on Debian's python3-grpcio, without response compression.</summary>
    private sealed class PythonPeer : IDisposable
    {
        private const string Python = "/usr/bin/python3";
        private readonly Process _process;
        private readonly string _pb2;

        private PythonPeer(Process process, string pb2, int port)
        {
            _process = process;
            _pb2 = pb2;
            Address = new Uri($"http://127.0.0.1:{port}");
        }

        public Uri Address { get; }

        public static string? Missing()
        {
            if (!File.Exists(Python)) return "no /usr/bin/python3";
            if (Exec(Python, ["-c", "import grpc"]).ExitCode != 0) return "python3-grpcio absent (apt-get install python3-grpcio)";
            if (Exec("protoc", ["--version"]).ExitCode != 0) return "protoc absent (apt-get install protobuf-compiler)";
            return null;
        }

        public static async Task<PythonPeer> StartAsync()
        {
            var pb2 = RepoPaths.NewTempDir("pm-grpc-bench");
            var protos = Path.Combine(RepoPaths.Root, "protos");
            var generated = Exec("protoc", [$"--python_out={pb2}", $"-I{protos}", Path.Combine(protos, "probe_monitor.proto")]);
            if (generated.ExitCode != 0) throw new InvalidOperationException($"protoc failed: {generated.StdErr}");
            var psi = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(RepoPaths.Root, "tests", "Monitor.Tests", "Grpc", "Python", "peer_server.py"), pb2, "--plain" })
                psi.ArgumentList.Add(a);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (!int.TryParse(line, out var port))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"peer_server.py printed '{line}' instead of a port");
            }
            return new PythonPeer(process, pb2, port);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
            _process.Dispose();
            Directory.Delete(_pb2, recursive: true);
        }

        private static (int ExitCode, string StdErr) Exec(string file, string[] args)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            try
            {
                using var p = Process.Start(psi)!;
                var err = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                return (p.ExitCode, err.Result);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, e.Message);
            }
        }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
