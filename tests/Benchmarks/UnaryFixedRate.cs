using System.Diagnostics;
using Google.Protobuf;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Benchmarks;

/// <summary>The serve benchmark's fixed-rate unary phase: open-loop calls at a set rate from the C# client or from Debian's
/// python3-grpcio, with the send lag, both processes' collections, the sidecar's own latency buckets and the CPU steal.</summary>
internal static class UnaryFixedRate
{
    /// <summary>One phase's latencies (µs from the scheduled send) and what else happened during it.</summary>
    public sealed record Latency(double P50, double P99, double Max, double Achieved, string Failures, double LagP50, double LagP99, int? ClientGcs, double ClientGcPauseMs, int ServerGcs, double ServerGcPauseMs, string ServerSide, string Steal);

    /// <summary>Open loop: call i is due at start + i/rate and is sent then whether or not earlier calls are done; its latency
    /// counts from when it was due, so a stalled client or server cannot hide its delay (no coordinated omission). A dedicated
    /// thread sends on time to within the kernel's timer slack (<see cref="PreciseClock"/>): paced by .NET's millisecond timers,
    /// every call went out up to 2 ms late and that lateness, the client's, swamped the server's latency. How late each call
    /// actually went out is reported too, so the client's share of the tail stays visible.</summary>
    public static async Task<Latency> CSharpAsync(ServerProcess server, GrpcChannel channel, GrpcMethod<ScoreRequest, ScoreResponse> method, ScoreRequest request, int rate, int seconds)
    {
        for (int i = 0; i < 500; i++) await channel.UnaryCall(method, request); // warm-up
        // The client's heap holds what the earlier phases left (stream buffers, the in-process scorer's bundles): collected
        // now, not in the middle of the timed phase, where its pause would be the client's delay and not the server's.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        int total = rate * seconds;
        var latencies = new double[total];
        var lags = new double[total];
        var calls = new Task<GrpcStatusCode>[total];
        double ticksPerCall = (double)Stopwatch.Frequency / rate;
        long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var watch = await ServerWatch.StartAsync(server, method);
        var pauseBefore = GC.GetTotalPauseDuration();
        int gcBefore = GC.CollectionCount(0);
        var sender = new Thread(() =>
        {
            for (int i = 0; i < total; i++)
            {
                long due = start + (long)(i * ticksPerCall);
                while (Stopwatch.GetTimestamp() < due) PreciseClock.SleepUntil(due);
                lags[i] = Stopwatch.GetElapsedTime(due).TotalMicroseconds;
                calls[i] = OneAsync(channel, method, request, due, latencies, i);
            }
        }) { IsBackground = true, Name = "fixed-rate sender" };
        sender.Start();
        await Task.Run(sender.Join);
        var codes = await Task.WhenAll(calls);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var clientGc = (GC.CollectionCount(0) - gcBefore, (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds);
        var (serverGcs, serverPauseMs, serverSide, steal) = await watch.StopAsync();
        Array.Sort(latencies);
        Array.Sort(lags);
        var failures = string.Join(", ", codes.Where(c => c != GrpcStatusCode.OK).GroupBy(c => c).Select(g => $"{g.Count()} {g.Key}"));
        return new Latency(latencies[total / 2], latencies[(int)(total * 0.99)], latencies[^1], total / elapsed,
            failures.Length == 0 ? "none" : failures, lags[total / 2], lags[(int)(total * 0.99)], clientGc.Item1, clientGc.Item2,
            serverGcs, serverPauseMs, serverSide, steal);
    }

    /// <summary>The same open-loop unary phase driven by Debian's python3-grpcio (Python/unary_fixed_rate.py), a client with
    /// no .NET runtime in it: its latencies cannot include a pause of the C# client's garbage collector.</summary>
    public static async Task<Latency> PythonAsync(ServerProcess server, GrpcMethod<ScoreRequest, ScoreResponse> method, ScoreRequest request, int rate, int seconds)
    {
        string requestFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(requestFile, request.ToByteArray());
            var watch = await ServerWatch.StartAsync(server, method);
            var result = await PythonFixedRate.RunAsync(server.GrpcAddress, method.FullName, requestFile, rate, seconds);
            var (serverGcs, serverPauseMs, serverSide, steal) = await watch.StopAsync();
            return new Latency(result.P50Us, result.P99Us, result.MaxUs, result.AchievedPerSecond, result.Failures, result.LagP50Us, result.LagP99Us,
                null, 0, serverGcs, serverPauseMs, serverSide, steal);
        }
        finally
        {
            File.Delete(requestFile);
        }
    }

    /// <summary>The peer: the same open-loop phase from the same Python client against Debian's python3-grpcio server answering
    /// <paramref name="response"/> to every call, in the same run. What that pair cannot do on this machine, the sidecar's
    /// echo cannot be blamed for.</summary>
    public static async Task<Latency> PythonPeerAsync(ScoreRequest request, IMessage response, string methodPath, int rate, int seconds)
    {
        string requestFile = Path.GetTempFileName(), responseFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(requestFile, request.ToByteArray());
            await File.WriteAllBytesAsync(responseFile, response.ToByteArray());
            using var peer = await PythonFixedRate.EchoServer.StartAsync(responseFile);
            var steal = new CpuSteal();
            var result = await PythonFixedRate.RunAsync(peer.Address, methodPath, requestFile, rate, seconds);
            return new Latency(result.P50Us, result.P99Us, result.MaxUs, result.AchievedPerSecond, result.Failures, result.LagP50Us, result.LagP99Us,
                null, 0, 0, 0, "n/a", steal.Since());
        }
        finally
        {
            File.Delete(requestFile);
            File.Delete(responseFile);
        }
    }

    /// <summary>What the server and the machine did during a phase: the server's collections, its own latency buckets for the
    /// method, and the CPU steal.</summary>
    private sealed class ServerWatch
    {
        private readonly ServerProcess _server;
        private readonly string _label;
        private readonly (int Collections, double PauseMs) _gc;
        private readonly SortedDictionary<double, double> _latency;
        private readonly CpuSteal _steal = new();

        private ServerWatch(ServerProcess server, string label, (int, double) gc, SortedDictionary<double, double> latency) =>
            (_server, _label, _gc, _latency) = (server, label, gc, latency);

        public static async Task<ServerWatch> StartAsync(ServerProcess server, GrpcMethod<ScoreRequest, ScoreResponse> method)
        {
            string label = $"method=\"{method.Name}\"";
            return new ServerWatch(server, label, await server.GcAsync(), await ServerLatencyBuckets.ReadAsync(server, label));
        }

        public async Task<(int Collections, double PauseMs, string ServerSide, string Steal)> StopAsync()
        {
            string steal = _steal.Since();
            var gc = await _server.GcAsync();
            var phase = ServerLatencyBuckets.Between(_latency, await ServerLatencyBuckets.ReadAsync(_server, _label));
            // "n/a" where the method is not one the sidecar times, as for the echo.
            return (gc.Collections - _gc.Collections, gc.PauseMs - _gc.PauseMs, phase.Count > 0 ? $"{phase.Describe(0.5)} / {phase.Describe(0.99)}" : "n/a", steal);
        }
    }

    /// <summary>One call; a failed call still counts its latency (it is an answer, if not the one wanted).</summary>
    private static async Task<GrpcStatusCode> OneAsync(GrpcChannel channel, GrpcMethod<ScoreRequest, ScoreResponse> method, ScoreRequest request, long due, double[] latencies, int i)
    {
        var code = GrpcStatusCode.OK;
        try
        {
            await channel.UnaryCall(method, request);
        }
        catch (GrpcStatusException e)
        {
            code = e.StatusCode;
        }
        latencies[i] = Stopwatch.GetElapsedTime(due).TotalMicroseconds;
        return code;
    }
}
