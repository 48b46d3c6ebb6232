using System.Buffers;
using System.IO.Compression;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Per-message compression: "identity" and "gzip", each message compressed on its own (no shared context).</summary>
public static class GrpcCompression
{
    /// <summary>No compression.</summary>
    public const string Identity = "identity";

    /// <summary>RFC 1952 gzip.</summary>
    public const string Gzip = "gzip";

    /// <summary>The value sent in <c>grpc-accept-encoding</c>: every encoding this layer can read.</summary>
    public const string AcceptEncodingValue = "identity,gzip";

    /// <summary>Whether this layer can read and write the encoding.</summary>
    public static bool IsSupported(string encoding) => encoding is Identity or Gzip;

    /// <summary>Whether a <c>grpc-accept-encoding</c> header value lists the encoding.</summary>
    public static bool Accepts(string? acceptEncoding, string encoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding)) return false;
        foreach (var token in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (string.Equals(token, encoding, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Compresses one serialized message.</summary>
    internal static byte[] Compress(ReadOnlySpan<byte> message, string encoding, CompressionLevel level)
    {
        if (encoding != Gzip) throw new NotSupportedException($"Cannot compress with '{encoding}'; supported: {AcceptEncodingValue}.");
        using var output = new MemoryStream(message.Length / 2 + 64);
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
            gzip.Write(message);
        return output.ToArray();
    }

    /// <summary>Decompresses one message, refusing to inflate past <paramref name="maxSize"/> bytes (a small gzip body can expand enormously).</summary>
    /// <exception cref="GrpcStatusException">RESOURCE_EXHAUSTED past the limit; INTERNAL when the data is not valid gzip.</exception>
    internal static byte[] Decompress(ReadOnlySequence<byte> compressed, string encoding, int? maxSize, string what)
    {
        if (encoding != Gzip)
            throw new GrpcStatusException(GrpcStatusCode.Internal, $"Cannot decompress {what} encoded as '{encoding}'.");
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (maxSize is { } max && output.Length + n > max)
                    throw new GrpcStatusException(GrpcStatusCode.ResourceExhausted,
                        $"Decompressed {what} exceeds the maximum message size of {max} bytes.");
                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            throw new GrpcStatusException(GrpcStatusCode.Internal, $"The compressed {what} is not valid gzip: {e.Message}", innerException: e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return output.ToArray();
    }
}
