using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Reads length-prefixed gRPC messages (flag byte, 4-byte big-endian length, body) from a pipe, checking every prefix before trusting it.</summary>
/// <remarks>DATA frames have no relation to message boundaries, so a message may span reads; a stream ending inside one is an error.</remarks>
internal sealed class GrpcMessageReader
{
    private readonly PipeReader _input;
    private readonly string? _encoding;
    private readonly int? _maxMessageSize;
    private readonly string _what;

    /// <summary>Creates a reader; <paramref name="encoding"/> is the peer's grpc-encoding (null or "identity" for none), <paramref name="what"/> names the messages in errors ("request", "response").</summary>
    public GrpcMessageReader(PipeReader input, string? encoding, int? maxMessageSize, string what)
    {
        _input = input;
        _encoding = encoding is null or GrpcCompression.Identity ? null : encoding;
        _maxMessageSize = maxMessageSize;
        _what = what;
    }

    /// <summary>Ends reading: the pipe returns its pooled buffers.</summary>
    public void Complete() => _input.Complete();

    /// <summary>The next message, or null at a clean end of stream.</summary>
    /// <exception cref="GrpcStatusException">INTERNAL for a truncated or malformed message, RESOURCE_EXHAUSTED past the size limit.</exception>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken) where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (buffer.Length >= GrpcProtocol.MessagePrefixSize)
                {
                    var (compressed, length) = ReadPrefix(buffer);
                    long total = GrpcProtocol.MessagePrefixSize + (long)length;
                    if (buffer.Length >= total)
                    {
                        var body = buffer.Slice(GrpcProtocol.MessagePrefixSize, length);
                        consumed = buffer.GetPosition(total);
                        return Parse(parser, body, compressed);
                    }
                    if (result.IsCompleted)
                        throw Malformed($"Incomplete {_what} message: the stream ended after {buffer.Length - GrpcProtocol.MessagePrefixSize} of {length} body bytes.");
                }
                else if (result.IsCompleted)
                {
                    if (buffer.IsEmpty) return null;
                    throw Malformed($"Incomplete {_what} message: the stream ended inside the 5-byte length prefix ({buffer.Length} bytes).");
                }
                if (result.IsCanceled) throw new OperationCanceledException($"Reading the {_what} stream was cancelled.");
            }
            finally
            {
                // Without a whole message, everything was examined: the pipe must wait for more bytes rather than
                // hand back the same partial message. After one, the rest may already hold the next message.
                if (consumed.Equals(buffer.Start)) _input.AdvanceTo(consumed, buffer.End);
                else _input.AdvanceTo(consumed);
            }
        }
    }

    private (bool Compressed, uint Length) ReadPrefix(ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[GrpcProtocol.MessagePrefixSize];
        buffer.Slice(0, GrpcProtocol.MessagePrefixSize).CopyTo(prefix);
        byte flag = prefix[0];
        if (flag > 1)
            throw Malformed($"Invalid compressed flag {flag} in a {_what} message prefix (must be 0 or 1).");
        if (flag == 1 && _encoding is null)
            throw Malformed($"A {_what} message is flagged compressed, but no grpc-encoding was given.");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        if (_maxMessageSize is { } max && length > max)
            throw new GrpcStatusException(GrpcStatusCode.ResourceExhausted,
                $"Received {_what} message of {length} bytes exceeds the maximum message size of {max} bytes.");
        if (length > int.MaxValue)
            throw new GrpcStatusException(GrpcStatusCode.ResourceExhausted, $"Received {_what} message length {length} is too large.");
        return (flag == 1, length);
    }

    private T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> body, bool compressed) where T : class, IMessage<T>
    {
        try
        {
            return compressed
                ? parser.ParseFrom(GrpcCompression.Decompress(body, _encoding!, _maxMessageSize, $"{_what} message"))
                : parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Malformed($"Failed to deserialize the {_what} message: {e.Message}", e);
        }
    }

    private static GrpcStatusException Malformed(string detail, Exception? inner = null) =>
        new(GrpcStatusCode.Internal, detail, innerException: inner);
}
