using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>Hand-made gRPC exchanges over plain HttpClient, independent of the layer's own client, to check the wire format.</summary>
internal static class RawGrpc
{
    /// <summary>What came back: HTTP status, headers, body bytes, trailers, and where the grpc-status was found.</summary>
    public sealed record Reply(HttpStatusCode HttpStatus, HttpResponseHeaders Headers, string? ContentType, byte[] Body, HttpResponseHeaders Trailers)
    {
        public bool IsTrailersOnly => Headers.Contains("grpc-status");

        public int? GrpcStatus => int.TryParse(Value(IsTrailersOnly ? Headers : Trailers, "grpc-status"), out var s) ? s : null;

        public string? GrpcMessage => Value(IsTrailersOnly ? Headers : Trailers, "grpc-message");

        public static string? Value(HttpHeaders headers, string name) =>
            headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    }

    /// <summary>A length-prefixed frame: flag byte, big-endian length, body.</summary>
    public static byte[] Frame(byte[] body, byte flag = 0)
    {
        var framed = new byte[5 + body.Length];
        framed[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        return framed;
    }

    public static async Task<Reply> PostAsync(HttpClient client, Uri server, string path, byte[] body,
        string? contentType = GrpcProtocol.ContentType, IEnumerable<(string, string)>? headers = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(server, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new Reply(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.ToString(), bytes, response.TrailingHeaders);
    }
}
