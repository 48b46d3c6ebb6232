using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Services;

/// <summary>The methods of probemonitor.v1.ProbeMonitor (protos/probe_monitor.proto), for servers and clients alike.</summary>
public static class ProbeMonitorMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "probemonitor.v1.ProbeMonitor";

    /// <summary>Scores one input.</summary>
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Score =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.Unary, ServiceName, "Score");

    /// <summary>Scores a stream of inputs, one response per request, in order.</summary>
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> ScoreStream =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, ServiceName, "ScoreStream");

    /// <summary>Lists the loaded probes.</summary>
    public static readonly GrpcMethod<ListProbesRequest, ListProbesResponse> ListProbes =
        GrpcMethod.Create<ListProbesRequest, ListProbesResponse>(GrpcMethodType.Unary, ServiceName, "ListProbes");

    /// <summary>Reloads the probe bundles.</summary>
    public static readonly GrpcMethod<ReloadProbesRequest, ReloadProbesResponse> ReloadProbes =
        GrpcMethod.Create<ReloadProbesRequest, ReloadProbesResponse>(GrpcMethodType.Unary, ServiceName, "ReloadProbes");
}
