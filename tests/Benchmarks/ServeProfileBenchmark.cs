using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Benchmarks;

/// <summary>The serve benchmark's server and client in one process: CPU time and bytes allocated per message or call, for
/// the raw and gRPC echoes, ScoreStream, and one-at-a-time unary calls. Client and server costs are summed; what it is
/// for is comparing versions of the layer on a busy machine, where allocations are exact and CPU time is far steadier than
/// wall time.</summary>
public static class ServeProfileBenchmark
{
    private sealed record Row(string Name, double CpuUs, double CpuUsMedian, double Bytes, double WallUs, int Gen0);

    /// <summary>Options: <c>--messages N</c> per stream round (5,000), <c>--calls N</c> per unary round (1,000), <c>--rounds R</c> (3).</summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        int messages = Int(args, "--messages", 5000), calls = Int(args, "--calls", 1000), rounds = Int(args, "--rounds", 3);
        var probes = ServeBundles.Write(2304, 12);
        try
        {
            await using var app = ServeBenchmark.BuildServer(["--probes", probes]);
            await app.StartAsync();
            var endpoint = app.Services.GetRequiredService<MonitorListeners>().BoundGrpcEndPoints[0];
            using var channel = GrpcChannel.ForAddress(new Uri($"http://{endpoint}"));
            var request = ServeBenchmark.Request(Activations.Types.DType.F32);
            var raw = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, "bench.Echo", "Raw");
            var echo = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, "bench.Echo", "Grpc");
            var echoUnary = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.Unary, "bench.Echo", "GrpcUnary");
            Console.WriteLine($"serve-profile: client and server in one process; {(GCSettings.IsServerGC ? "server" : "workstation")} GC; " +
                              $"{Environment.ProcessorCount} logical CPUs; load average {MachineLoad.Average()}");
            Console.WriteLine();
            Console.WriteLine("| what (client + server) | CPU µs per message (best) | (median) | bytes allocated per message | wall µs per message (best) | gen0 GCs |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            var parts = new (string Name, int Count, Func<Task> Run)[]
            {
                ("raw Kestrel HTTP/2 echo stream", messages, () => ServeBenchmark.StreamAsync(channel, raw, request, messages)),
                ("gRPC layer echo stream", messages, () => ServeBenchmark.StreamAsync(channel, echo, request, messages)),
                ("ScoreStream (scoring)", messages, () => ServeBenchmark.StreamAsync(channel, ProbeMonitorMethods.ScoreStream, request, messages)),
                ("unary gRPC echo, one call at a time", calls, () => Sequential(channel, echoUnary, request, calls)),
                ("unary Score, one call at a time", calls, () => Sequential(channel, ProbeMonitorMethods.Score, request, calls)),
            };
            foreach (var (name, count, run) in parts)
            {
                var row = await MeasureAsync(name, count, run, rounds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Name} | {row.CpuUs:F1} | {row.CpuUsMedian:F1} | {row.Bytes:N0} | {row.WallUs:F1} | {row.Gen0} |"));
            }
            Console.WriteLine();
            Console.WriteLine($"load average after {MachineLoad.Average()}");
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(probes, recursive: true);
        }
        return 0;
    }

    private static async Task Sequential(GrpcChannel channel, GrpcMethod<ScoreRequest, ScoreResponse> method, ScoreRequest request, int calls)
    {
        for (int i = 0; i < calls; i++) await channel.UnaryCall(method, request);
    }

    private static async Task<Row> MeasureAsync(string name, int count, Func<Task> run, int rounds)
    {
        await run(); // warm-up: JIT tiers, pools, connection
        await run();
        var cpu = new List<double>();
        double bytes = double.MaxValue, wall = double.MaxValue;
        int gen0 = GC.CollectionCount(0);
        for (int r = 0; r < rounds; r++)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long cpu0 = CpuClock.ProcessNanoseconds(), w0 = Stopwatch.GetTimestamp();
            await run();
            cpu.Add((CpuClock.ProcessNanoseconds() - cpu0) / 1e3 / count);
            wall = Math.Min(wall, Stopwatch.GetElapsedTime(w0).TotalMicroseconds / count);
            bytes = Math.Min(bytes, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)count);
        }
        return new Row(name, cpu.Min(), BenchmarkTimer.Median(cpu), bytes, wall, GC.CollectionCount(0) - gen0);
    }

    private static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
