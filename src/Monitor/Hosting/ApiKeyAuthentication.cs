using System.Security.Cryptography;
using System.Text;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Metrics;

namespace ProbeMonitor.Monitor.Hosting;

/// <summary>Middleware that lets a gRPC call through only with <c>authorization: Bearer KEY</c> when <c>--api-key KEY</c> is set;
/// others end at once with UNAUTHENTICATED. Plain HTTP (/healthz, /metrics) is not checked.</summary>
/// <remarks>
/// Health and metrics stay open on purpose: the kubelet and Prometheus reach them on the HTTP port without credentials,
/// and they reveal no request content. Every gRPC method is checked, the health check included. The comparison is of
/// SHA-256 digests in constant time, so neither the key's length nor its prefix leaks through timing. The key and the
/// header are never logged.
/// </remarks>
public sealed class ApiKeyAuthentication(RequestDelegate next, string apiKey)
{
    /// <summary>The metadata key carrying the key.</summary>
    public const string Header = "authorization";

    /// <summary>The status detail of a refused call.</summary>
    public const string Refusal = "Missing or wrong API key: send the metadata 'authorization: Bearer <key>' (the key given to --api-key).";

    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey ?? throw new ArgumentNullException(nameof(apiKey))));

    /// <summary>Checks the call and either refuses it or runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (!GrpcRequestMetrics.IsGrpc(context.Request) || Accepts(context.Request.Headers[Header].ToString()))
            return next(context);
        // Trailers-Only: the status travels in the one HEADERS frame, as for any call that ends before a message.
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = ((int)GrpcStatusCode.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageHeader] = GrpcStatusMessageEncoding.Encode(Refusal);
        return response.CompleteAsync();
    }

    private bool Accepts(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}
