namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Which scoring method carries the load.</summary>
public enum RpcKind
{
    /// <summary>One <c>Score</c> call per request.</summary>
    Unary,

    /// <summary>Long-lived <c>ScoreStream</c> calls, one per worker, many requests each.</summary>
    Stream,
}
