using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Writes length-prefixed gRPC messages into a buffer writer (a pipe, or an array for a unary request); the caller flushes.</summary>
internal sealed class GrpcMessageWriter
{
    private readonly IBufferWriter<byte> _output;
    private readonly string? _encoding;
    private readonly CompressionLevel _level;
    private readonly int? _maxMessageSize;
    private readonly string _what;

    /// <summary>Creates a writer; <paramref name="encoding"/> null or "identity" writes uncompressed messages.</summary>
    public GrpcMessageWriter(IBufferWriter<byte> output, string? encoding, CompressionLevel level, int? maxMessageSize, string what)
    {
        _output = output;
        _encoding = encoding is null or GrpcCompression.Identity ? null : encoding;
        _level = level;
        _maxMessageSize = maxMessageSize;
        _what = what;
    }

    /// <summary>Serializes one message with its prefix.</summary>
    /// <exception cref="GrpcStatusException">RESOURCE_EXHAUSTED when the serialized message is larger than the limit.</exception>
    public void Write(IMessage message)
    {
        int size = Measure(message);
        if (_encoding is null)
        {
            WritePrefix(compressed: false, size);
            message.WriteTo(_output);
            return;
        }
        var serialized = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            message.WriteTo(serialized.AsSpan(0, size));
            var compressed = GrpcCompression.Compress(serialized.AsSpan(0, size), _encoding, _level);
            WritePrefix(compressed: true, compressed.Length);
            _output.Write(compressed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(serialized);
        }
    }

    /// <summary>The serialized size of a message, checked against the limit before anything is written.</summary>
    /// <exception cref="GrpcStatusException">RESOURCE_EXHAUSTED when the message is larger than the limit.</exception>
    public int Measure(IMessage message)
    {
        int size = message.CalculateSize();
        if (_maxMessageSize is { } max && size > max)
            throw new GrpcStatusException(GrpcStatusCode.ResourceExhausted,
                $"Sending {_what} message of {size} bytes exceeds the maximum message size of {max} bytes.");
        return size;
    }

    /// <summary>One framed message as an array (a unary request body).</summary>
    public static byte[] Frame(IMessage message, string? encoding, CompressionLevel level, int? maxMessageSize, string what)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new GrpcMessageWriter(buffer, encoding, level, maxMessageSize, what).Write(message);
        return buffer.WrittenSpan.ToArray();
    }

    private void WritePrefix(bool compressed, int length)
    {
        var span = _output.GetSpan(GrpcProtocol.MessagePrefixSize);
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        _output.Advance(GrpcProtocol.MessagePrefixSize);
    }
}
