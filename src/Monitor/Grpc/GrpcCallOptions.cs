namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Per-call settings of a client call.</summary>
public sealed record GrpcCallOptions
{
    /// <summary>Custom request metadata.</summary>
    public GrpcMetadata? Headers { get; init; }

    /// <summary>When the call must be done (UTC); sent as grpc-timeout, and enforced locally as DEADLINE_EXCEEDED.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Cancels the call (RST_STREAM); the call then fails with CANCELLED.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Compress request messages with this encoding ("gzip"); null sends them uncompressed.</summary>
    public string? RequestCompression { get; init; }
}
