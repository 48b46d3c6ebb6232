using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Services;
using Xunit;
using ProbeMonitor.Protocol;
using WireDType = ProbeMonitor.Protocol.Activations.Types.DType;
using WirePooling = ProbeMonitor.Protocol.Activations.Types.Pooling;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>The real sidecar (MonitorApp) on loopback sockets with OS-chosen ports, a gRPC channel to it, and /metrics.</summary>
internal sealed class Sidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private Sidecar(WebApplication app, Uri grpc, Uri http, string? apiKey)
    {
        _app = app;
        GrpcAddress = grpc;
        HttpAddress = http;
        Channel = GrpcChannel.ForAddress(grpc);
        ApiKey = apiKey;
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public GrpcChannel Channel { get; }

    public string? ApiKey { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<Sidecar> StartAsync(string? probesDir, IEnumerable<string>? extraArgs = null, Action<IServiceCollection>? configure = null)
    {
        var args = new List<string> { "--Logging:LogLevel:Default=Warning", "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0" };
        if (probesDir is not null) args.AddRange(["--probes", probesDir]);
        args.AddRange(extraArgs ?? []);
        var app = MonitorApp.Build(args.ToArray(), configure);
        await app.StartAsync();
        var listeners = app.Services.GetRequiredService<MonitorListeners>();
        int i = args.IndexOf("--api-key");
        return new Sidecar(app, new Uri($"http://{listeners.BoundGrpcEndPoints.Single()}"), new Uri($"http://{listeners.BoundHttpEndPoints.Single()}"),
            i >= 0 ? args[i + 1] : null);
    }

    /// <summary>Call options carrying the API key (when the sidecar has one).</summary>
    public GrpcCallOptions Options(DateTime? deadline = null) => new()
    {
        Headers = ApiKey is null ? null : new GrpcMetadata().Add("authorization", $"Bearer {ApiKey}"),
        Deadline = deadline ?? DateTime.UtcNow.AddSeconds(30),
    };

    public Task<ScoreResponse> ScoreAsync(ScoreRequest request) => Channel.UnaryCall(ProbeMonitorMethods.Score, request, Options()).ResponseAsync;

    public async Task<GrpcStatusException> FailAsync(ScoreRequest request, GrpcCallOptions? options = null) =>
        await Assert.ThrowsAsync<GrpcStatusException>(() => Channel.UnaryCall(ProbeMonitorMethods.Score, request, options ?? Options()).ResponseAsync);

    /// <summary>Stops the host (graceful: the scoring queues drain) without disposing it.</summary>
    public Task StopAsync() => _app.StopAsync();

    public Task<string> ScrapeAsync() => _http.GetStringAsync(new Uri(HttpAddress, "/metrics"));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>An activations request for one vector [d] (pooling NONE unless given).</summary>
    public static ScoreRequest Request(float[] x, WireDType dtype = WireDType.F32, int layer = ServingBundles.Layer, WirePooling pooling = WirePooling.None,
        long[]? shape = null, string requestId = "r") => new()
        {
            RequestId = requestId,
            Activations = new ProbeMonitor.Protocol.Activations
            {
                Data = ByteString.CopyFrom(Encode(x, dtype)),
                Dtype = dtype,
                Shape = { shape ?? [x.Length] },
                Layer = layer,
                Pooling = pooling,
            },
        };

    /// <summary>Little-endian bytes: F32 as is, BF16 as the top 16 bits (callers pass bf16-exact values), F16 through System.Half.</summary>
    public static byte[] Encode(float[] x, WireDType dtype)
    {
        var bytes = new byte[x.Length * (dtype == WireDType.F32 ? 4 : 2)];
        for (int i = 0; i < x.Length; i++)
        {
            switch (dtype)
            {
                case WireDType.F32:
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), x[i]);
                    break;
                case WireDType.Bf16:
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(x[i]) >> 16));
                    break;
                default:
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)x[i]));
                    break;
            }
        }
        return bytes;
    }

    /// <summary><paramref name="x"/> with every value cut to bfloat16 (low 16 bits cleared), so BF16 carries it exactly.</summary>
    public static float[] BFloat16Exact(float[] x) => x.Select(v => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000u)).ToArray();

    /// <summary><paramref name="x"/> rounded to IEEE half.</summary>
    public static float[] HalfExact(float[] x) => x.Select(v => (float)(Half)v).ToArray();
}
