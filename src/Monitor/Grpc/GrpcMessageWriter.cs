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
    public int Measure(IMessage message) => CheckedSize(message, _maxMessageSize, _what);

    /// <summary>One framed message as an array of exactly its length (a unary request body).</summary>
    public static byte[] Frame(IMessage message, string? encoding, CompressionLevel level, int? maxMessageSize, string what)
    {
        if (encoding is null or GrpcCompression.Identity)
        {
            // Sized up front: no growing buffer and no copy of it, which for an activation message is most of the client's allocation.
            int size = CheckedSize(message, maxMessageSize, what);
            var framed = new byte[GrpcProtocol.MessagePrefixSize + size];
            WriteFrame(message, size, framed);
            return framed;
        }
        var buffer = new ArrayBufferWriter<byte>();
        new GrpcMessageWriter(buffer, encoding, level, maxMessageSize, what).Write(message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One framed message in a buffer from the shared pool when uncompressed (a streaming write, which is done with
    /// the bytes once the write completes); dispose the result to give the buffer back.</summary>
    public static PooledFrame FramePooled(IMessage message, string? encoding, CompressionLevel level, int? maxMessageSize, string what)
    {
        if (encoding is not (null or GrpcCompression.Identity))
        {
            var framed = Frame(message, encoding, level, maxMessageSize, what);
            return new PooledFrame(framed, framed.Length, pooled: false);
        }
        int size = CheckedSize(message, maxMessageSize, what);
        int length = GrpcProtocol.MessagePrefixSize + size;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        WriteFrame(message, size, rented.AsSpan(0, length));
        return new PooledFrame(rented, length, pooled: true);
    }

    /// <summary>A framed message; <see cref="Dispose"/> returns a pooled buffer (skip it when a failed write may still hold the bytes).</summary>
    public readonly struct PooledFrame(byte[] array, int length, bool pooled) : IDisposable
    {
        /// <summary>The prefix and the message.</summary>
        public ReadOnlyMemory<byte> Memory => array.AsMemory(0, length);

        /// <summary>Gives a pooled buffer back.</summary>
        public void Dispose()
        {
            if (pooled) ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static int CheckedSize(IMessage message, int? maxMessageSize, string what)
    {
        int size = message.CalculateSize();
        if (maxMessageSize is { } max && size > max)
            throw new GrpcStatusException(GrpcStatusCode.ResourceExhausted,
                $"Sending {what} message of {size} bytes exceeds the maximum message size of {max} bytes.");
        return size;
    }

    private static void WriteFrame(IMessage message, int size, Span<byte> destination)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)size);
        message.WriteTo(destination.Slice(GrpcProtocol.MessagePrefixSize, size));
    }

    private void WritePrefix(bool compressed, int length)
    {
        var span = _output.GetSpan(GrpcProtocol.MessagePrefixSize);
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        _output.Advance(GrpcProtocol.MessagePrefixSize);
    }
}
