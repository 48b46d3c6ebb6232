using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>The server's wire behaviour checked with hand-made HTTP/2 requests: framing, Trailers-Only, malformed input, compression, content-type.</summary>
public sealed class GrpcWireTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static readonly string EchoPath = TestService.Echo.FullName;

    private static byte[] Request(string id, string prompt = "") => new ScoreRequest { RequestId = id, Prompt = prompt }.ToByteArray();

    private Task<RawGrpc.Reply> Post(string path, byte[] body, string? contentType = GrpcProtocol.ContentType, params (string, string)[] headers) =>
        RawGrpc.PostAsync(server.Raw, server.Address, path, body, contentType, headers);

    private async Task AssertStillServes()
    {
        var reply = await Post(EchoPath, RawGrpc.Frame(Request("alive")));
        Assert.Equal(0, reply.GrpcStatus);
        Assert.Equal("alive", ScoreResponse.Parser.ParseFrom(reply.Body.AsSpan(5)).RequestId);
    }

    [Fact]
    public async Task Success_is_headers_then_one_prefixed_message_then_trailers()
    {
        var reply = await Post(EchoPath, RawGrpc.Frame(Request("w1", "abc")), headers: ("grpc-accept-encoding", "identity"));
        Assert.Equal(HttpStatusCode.OK, reply.HttpStatus);
        Assert.Equal("application/grpc", reply.ContentType);
        Assert.False(reply.IsTrailersOnly);
        Assert.False(reply.Headers.Contains("grpc-encoding"));
        Assert.Equal(0, reply.Body[0]);
        Assert.Equal(reply.Body.Length - 5, (int)BinaryPrimitives.ReadUInt32BigEndian(reply.Body.AsSpan(1)));
        var response = ScoreResponse.Parser.ParseFrom(reply.Body.AsSpan(5));
        Assert.Equal("w1", response.RequestId);
        Assert.Equal("0", RawGrpc.Reply.Value(reply.Trailers, "grpc-status"));
        Assert.Null(RawGrpc.Reply.Value(reply.Trailers, "grpc-message"));
    }

    [Fact]
    public async Task Immediate_error_is_Trailers_Only_with_percent_encoded_message()
    {
        var reply = await Post(TestService.Fail.FullName, RawGrpc.Frame(Request(((int)GrpcStatusCode.NotFound).ToString())));
        Assert.Equal(HttpStatusCode.OK, reply.HttpStatus);
        Assert.True(reply.IsTrailersOnly);
        Assert.Empty(reply.Body);
        Assert.Equal((int)GrpcStatusCode.NotFound, reply.GrpcStatus);
        // Spec: UTF-8 then %XX for bytes outside 0x20-0x7E and for '%'; written out by hand here.
        Assert.Equal("probe 'tox' rejected: 100%25 sure, na%C3%AFve %E2%86%92 %E2%9C%93%09done", reply.GrpcMessage);
        Assert.Equal("requested", RawGrpc.Reply.Value(reply.Headers, "failure-reason"));
        Assert.Equal("AAEC/v8", RawGrpc.Reply.Value(reply.Headers, "failure-blob-bin")); // unpadded base64 of 00 01 02 FE FF
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 }, "length prefix")]
    [InlineData(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 }, "ended after 3 of 10 body bytes")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0 }, "Invalid compressed flag 2")]
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0 }, "no grpc-encoding")]
    [InlineData(new byte[] { 0, 0, 0, 0, 2, 0xFF, 0xFF }, "Failed to deserialize")]
    [InlineData(new byte[0], "without the request message")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "second request message")]
    public async Task Malformed_request_framing_is_INTERNAL_and_the_server_survives(byte[] body, string detailPart)
    {
        var reply = await Post(EchoPath, body);
        Assert.Equal(HttpStatusCode.OK, reply.HttpStatus);
        Assert.Equal((int)GrpcStatusCode.Internal, reply.GrpcStatus);
        Assert.Contains(detailPart, GrpcStatusMessageEncoding.Decode(reply.GrpcMessage!));
        await AssertStillServes();
    }

    [Fact]
    public async Task Oversized_length_prefix_is_rejected_before_the_body_arrives()
    {
        // Claims 4 GiB - 1 but sends 3 bytes: the limit check must not wait for (or allocate) the body.
        var reply = await Post(EchoPath, [0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]);
        Assert.Equal((int)GrpcStatusCode.ResourceExhausted, reply.GrpcStatus);
        Assert.Contains("4294967295 bytes exceeds the maximum message size of 4194304", GrpcStatusMessageEncoding.Decode(reply.GrpcMessage!));
        await AssertStillServes();
    }

    [Fact]
    public async Task Oversized_first_response_still_ends_as_Trailers_Only()
    {
        var request = new ScoreRequest { TokenIds = new TokenIds { Ids = { GrpcProtocol.DefaultMaxMessageSize } } }.ToByteArray();
        var reply = await Post(TestService.Big.FullName, RawGrpc.Frame(request));
        Assert.True(reply.IsTrailersOnly);
        Assert.Empty(reply.Body);
        Assert.Equal((int)GrpcStatusCode.ResourceExhausted, reply.GrpcStatus);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/grpcfoo")]
    [InlineData(null)]
    public async Task Wrong_content_type_is_HTTP_415(string? contentType)
    {
        var reply = await Post(EchoPath, RawGrpc.Frame(Request("x")), contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.HttpStatus);
        Assert.Null(reply.GrpcStatus);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task Content_type_variants_are_accepted(string contentType)
    {
        var reply = await Post(EchoPath, RawGrpc.Frame(Request("v")), contentType);
        Assert.Equal(0, reply.GrpcStatus);
    }

    [Fact]
    public async Task Get_on_a_method_is_405_and_unknown_paths_are_404_for_non_grpc_callers()
    {
        var get = await RawGrpc.PostAsync(server.Raw, server.Address, EchoPath, [], method: HttpMethod.Get);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.HttpStatus);
        var notGrpc = await Post("/some/where", [], "text/plain");
        Assert.Equal(HttpStatusCode.NotFound, notGrpc.HttpStatus);
        var grpc = await Post("/some.Service/Where", RawGrpc.Frame([]));
        Assert.Equal((int)GrpcStatusCode.Unimplemented, grpc.GrpcStatus);
        Assert.True(grpc.IsTrailersOnly);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123456789S")]
    [InlineData("10x")]
    [InlineData("S")]
    public async Task Malformed_grpc_timeout_is_INTERNAL(string timeout)
    {
        var reply = await Post(EchoPath, RawGrpc.Frame(Request("t")), GrpcProtocol.ContentType, ("grpc-timeout", timeout));
        Assert.Equal((int)GrpcStatusCode.Internal, reply.GrpcStatus);
        Assert.Contains("Malformed grpc-timeout", GrpcStatusMessageEncoding.Decode(reply.GrpcMessage!));
    }

    [Fact]
    public async Task Server_enforces_grpc_timeout_on_its_own()
    {
        // No client-side deadline here: only the header, so DEADLINE_EXCEEDED can only come from the server.
        server.Service.ResetWait();
        var started = DateTime.UtcNow;
        // 2 s, not less: the handler must start (after its request is read) before the deadline for its cancellation to be
        // observable, and a loaded two-core test host has taken over 500 ms to get there.
        var reply = await Post(TestService.Wait.FullName, RawGrpc.Frame(Request("slow")), GrpcProtocol.ContentType, ("grpc-timeout", "2S"));
        Assert.Equal((int)GrpcStatusCode.DeadlineExceeded, reply.GrpcStatus);
        var (deadline, cancelled) = await server.Service.WaitOutcome.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(cancelled);
        Assert.InRange((deadline!.Value - started).TotalMilliseconds, 1950, 8000);
    }

    [Fact]
    public async Task Unsupported_request_encoding_is_UNIMPLEMENTED_with_the_accepted_list()
    {
        var reply = await Post(EchoPath, RawGrpc.Frame(Request("s"), flag: 1), GrpcProtocol.ContentType, ("grpc-encoding", "snappy"));
        Assert.Equal((int)GrpcStatusCode.Unimplemented, reply.GrpcStatus);
        Assert.Contains("gzip", RawGrpc.Reply.Value(reply.Headers, "grpc-accept-encoding"));
    }

    [Fact]
    public async Task Gzip_request_made_with_GZipStream_is_decompressed()
    {
        var prompt = new string('z', 10_000);
        var reply = await Post(EchoPath, RawGrpc.Frame(Gzip(Request("gz", prompt)), flag: 1), GrpcProtocol.ContentType, ("grpc-encoding", "gzip"));
        Assert.Equal(0, reply.GrpcStatus);
        Assert.Equal(prompt, ScoreResponse.Parser.ParseFrom(reply.Body.AsSpan(5)).Model);
    }

    [Fact]
    public async Task Gzip_bomb_is_stopped_at_the_receive_limit()
    {
        // 5 MiB of field-1 bytes compress to a few KiB; inflated they exceed the 4 MiB limit.
        var huge = new ScoreRequest { RequestId = new string('a', 5 << 20) }.ToByteArray();
        var compressed = Gzip(huge);
        Assert.True(compressed.Length < 64 << 10);
        var reply = await Post(EchoPath, RawGrpc.Frame(compressed, flag: 1), GrpcProtocol.ContentType, ("grpc-encoding", "gzip"));
        Assert.Equal((int)GrpcStatusCode.ResourceExhausted, reply.GrpcStatus);
        Assert.Contains("Decompressed request message exceeds", GrpcStatusMessageEncoding.Decode(reply.GrpcMessage!));
        await AssertStillServes();
    }

    [Fact]
    public async Task Corrupt_gzip_is_INTERNAL()
    {
        var reply = await Post(EchoPath, RawGrpc.Frame([1, 2, 3, 4, 5, 6], flag: 1), GrpcProtocol.ContentType, ("grpc-encoding", "gzip"));
        Assert.Equal((int)GrpcStatusCode.Internal, reply.GrpcStatus);
        Assert.Contains("not valid gzip", GrpcStatusMessageEncoding.Decode(reply.GrpcMessage!));
    }

    [Fact]
    public async Task Responses_are_gzipped_only_when_the_client_accepts_gzip()
    {
        var prompt = new string('q', 5000);
        var accepted = await Post(EchoPath, RawGrpc.Frame(Request("a", prompt)), GrpcProtocol.ContentType, ("grpc-accept-encoding", "identity, gzip"));
        Assert.Equal("gzip", RawGrpc.Reply.Value(accepted.Headers, "grpc-encoding"));
        Assert.Equal(1, accepted.Body[0]);
        Assert.True(accepted.Body.Length < 1000);
        Assert.Equal(prompt, ScoreResponse.Parser.ParseFrom(Gunzip(accepted.Body.AsSpan(5).ToArray())).Model);

        var plain = await Post(EchoPath, RawGrpc.Frame(Request("b", prompt)));
        Assert.Null(RawGrpc.Reply.Value(plain.Headers, "grpc-encoding"));
        Assert.Equal(0, plain.Body[0]);
        Assert.Equal(prompt, ScoreResponse.Parser.ParseFrom(plain.Body.AsSpan(5)).Model);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(data);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
