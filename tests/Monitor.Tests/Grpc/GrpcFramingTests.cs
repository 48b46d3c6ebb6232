using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Health.V1;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>The length-prefixed framing alone, over in-memory pipes.</summary>
public sealed class GrpcFramingTests
{
    private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };

    [Fact]
    public void Writer_produces_the_spec_bytes()
    {
        // HealthCheckResponse{status: SERVING} is field 1 varint 1 = 08 01 (protobuf encoding, by hand); prefix 00 00000002.
        var framed = GrpcMessageWriter.Frame(Serving, null, CompressionLevel.Fastest, null, "response");
        Assert.Equal(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 }, framed);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, GrpcMessageWriter.Frame(new HealthCheckRequest(), null, CompressionLevel.Fastest, null, "request"));
    }

    [Fact]
    public void Gzip_frames_set_the_flag_and_hold_a_standard_gzip_member()
    {
        var message = new ScoreRequest { Prompt = new string('a', 1000) };
        var framed = GrpcMessageWriter.Frame(message, GrpcCompression.Gzip, CompressionLevel.Optimal, null, "request");
        Assert.Equal(1, framed[0]);
        Assert.Equal(new byte[] { 0x1F, 0x8B }, framed[5..7]); // gzip magic (RFC 1952)
        using var gunzip = new GZipStream(new MemoryStream(framed[5..]), CompressionMode.Decompress);
        Assert.Equal(message, ScoreRequest.Parser.ParseFrom(gunzip));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Reader_reassembles_messages_split_at_any_boundary(int chunk)
    {
        var messages = Enumerable.Range(0, 30).Select(i => new ScoreRequest { RequestId = $"m{i}", Prompt = new string('x', i * 37) }).ToList();
        var wire = messages.SelectMany(m => GrpcMessageWriter.Frame(m, i(messages.IndexOf(m)), CompressionLevel.Fastest, null, "request")).ToArray();
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            for (int at = 0; at < wire.Length; at += chunk)
            {
                await pipe.Writer.WriteAsync(wire.AsMemory(at, Math.Min(chunk, wire.Length - at)));
            }
            await pipe.Writer.CompleteAsync();
        });
        var reader = new GrpcMessageReader(pipe.Reader, GrpcCompression.Gzip, null, "request");
        var read = new List<ScoreRequest>();
        while (await reader.ReadAsync(ScoreRequest.Parser, CancellationToken.None) is { } m) read.Add(m);
        await writing;
        Assert.Equal(messages, read);

        // Every third message is gzipped and the rest are not: a stream with grpc-encoding may mix both.
        static string? i(int index) => index % 3 == 0 ? GrpcCompression.Gzip : null;
    }

    [Fact]
    public async Task Reader_hands_out_messages_already_buffered_without_waiting_for_more()
    {
        var pipe = new Pipe();
        var two = GrpcMessageWriter.Frame(Serving, null, CompressionLevel.Fastest, null, "x")
            .Concat(GrpcMessageWriter.Frame(Serving, null, CompressionLevel.Fastest, null, "x")).ToArray();
        await pipe.Writer.WriteAsync(two); // the writer stays open: a reader that waited for more bytes would hang
        var reader = new GrpcMessageReader(pipe.Reader, null, null, "response");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(Serving, await reader.ReadAsync(HealthCheckResponse.Parser, timeout.Token));
        Assert.Equal(Serving, await reader.ReadAsync(HealthCheckResponse.Parser, timeout.Token));
    }

    [Fact]
    public async Task Reader_rejects_a_prefix_over_the_limit_before_the_body()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 4, 1 }); // 1025 bytes announced, none sent, stream open
        var reader = new GrpcMessageReader(pipe.Reader, null, 1024, "request");
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => reader.ReadAsync(ScoreRequest.Parser, CancellationToken.None).AsTask());
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal("Received request message of 1025 bytes exceeds the maximum message size of 1024 bytes.", e.Detail);
    }

    [Fact]
    public async Task Reader_accepts_a_message_exactly_at_the_limit()
    {
        var message = new ScoreRequest { RequestId = new string('a', 1021) }; // tag 1 byte + length 2 bytes + 1021 = 1024
        Assert.Equal(1024, message.CalculateSize());
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(GrpcMessageWriter.Frame(message, null, CompressionLevel.Fastest, 1024, "request"));
        await pipe.Writer.CompleteAsync();
        var reader = new GrpcMessageReader(pipe.Reader, null, 1024, "request");
        Assert.Equal(message, await reader.ReadAsync(ScoreRequest.Parser, CancellationToken.None));
        Assert.Null(await reader.ReadAsync(ScoreRequest.Parser, CancellationToken.None));
    }

    [Fact]
    public void Writer_refuses_a_message_over_the_limit()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new GrpcMessageWriter(buffer, null, CompressionLevel.Fastest, 1023, "response");
        var e = Assert.Throws<GrpcStatusException>(() => writer.Write(new ScoreRequest { RequestId = new string('a', 1021) }));
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(0, buffer.WrittenCount); // nothing half-written
    }
}
