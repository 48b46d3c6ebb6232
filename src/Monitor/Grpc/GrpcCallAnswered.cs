using System.Diagnostics;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>When a gRPC call's status went out (an HttpContext feature): the end of its answer, which can come before the
/// request delegate returns, since a call answered before its request was read still reads the rest of it.</summary>
public sealed class GrpcCallAnswered
{
    private long _timestamp;

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the status was sent; null before that.</summary>
    public long? Timestamp => Volatile.Read(ref _timestamp) is var t and not 0 ? t : null;

    internal void Mark() => Interlocked.CompareExchange(ref _timestamp, Stopwatch.GetTimestamp(), 0);
}
