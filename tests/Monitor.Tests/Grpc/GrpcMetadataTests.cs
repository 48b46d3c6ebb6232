using ProbeMonitor.Monitor.Grpc;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

public sealed class GrpcMetadataTests
{
    private static IEnumerable<KeyValuePair<string, IEnumerable<string?>>> Headers(params (string Name, string[] Values)[] headers) =>
        headers.Select(h => new KeyValuePair<string, IEnumerable<string?>>(h.Name, h.Values));

    [Fact]
    public void Keys_are_lower_cased_and_validated()
    {
        var m = new GrpcMetadata().Add("X-Request-Id", "abc");
        Assert.Equal("x-request-id", m.Single().Key);
        Assert.Equal("abc", m.GetValue("X-REQUEST-ID"));
        Assert.Throws<ArgumentException>(() => m.Add("bad key", "v"));
        Assert.Throws<ArgumentException>(() => m.Add("", "v"));
        Assert.Throws<ArgumentException>(() => m.Add("grpc-status", "0"));
        Assert.Throws<ArgumentException>(() => m.Add("content-type", "x"));
        Assert.Throws<ArgumentException>(() => m.Add("key", "new\nline"));
        Assert.Throws<ArgumentException>(() => m.Add("key", "naïve"));
        Assert.Throws<ArgumentException>(() => m.Add("key-bin", "text"));
        Assert.Throws<ArgumentException>(() => m.Add("key", [1, 2]));
    }

    [Theory]
    [InlineData(new byte[] { }, "")]
    [InlineData(new byte[] { 0xFF }, "/w")]
    [InlineData(new byte[] { 0xFB, 0xFF }, "+/8")]
    [InlineData(new byte[] { 1, 2, 3 }, "AQID")]
    public void Binary_values_go_out_as_unpadded_base64(byte[] value, string wire)
    {
        var pair = new GrpcMetadata().Add("k-bin", value).ToHeaderValues().Single();
        Assert.Equal("k-bin", pair.Key);
        Assert.Equal(wire, pair.Value);
        Assert.Equal(value, Convert.FromBase64String(wire.PadRight((wire.Length + 3) / 4 * 4, '=')));
    }

    [Fact]
    public void Reading_headers_accepts_padded_and_unpadded_base64_and_splits_joined_binary_values()
    {
        var m = GrpcMetadata.FromHeaders(Headers(
            ("trace-bin", ["/w==", "/w"]),
            ("multi-bin", ["AQID,+/8"]),
            ("tenant", ["acme", " spaced "]),
            ("broken-bin", ["not base64!"]),
            ("grpc-status", ["0"]), (":path", ["/x"]), ("content-type", ["application/grpc"]),
            ("te", ["trailers"]), ("user-agent", ["x"]), ("date", ["today"]), ("Bad Name", ["v"])));
        Assert.Equal([[0xFF], [0xFF]], m.GetAll("trace-bin").Select(e => e.ValueBytes!).ToArray());
        Assert.Equal([[1, 2, 3], [0xFB, 0xFF]], m.GetAll("multi-bin").Select(e => e.ValueBytes!).ToArray());
        Assert.Equal(["acme", "spaced"], m.GetAll("tenant").Select(e => e.Value!).ToArray());
        Assert.Empty(m.GetAll("broken-bin"));
        Assert.Equal(6, m.Count);
    }

    [Fact]
    public void Reserved_header_names_are_recognised()
    {
        Assert.True(GrpcMetadata.IsReservedHeader("grpc-message"));
        Assert.True(GrpcMetadata.IsReservedHeader("GRPC-ENCODING"));
        Assert.True(GrpcMetadata.IsReservedHeader(":authority"));
        Assert.True(GrpcMetadata.IsReservedHeader("Content-Type"));
        Assert.False(GrpcMetadata.IsReservedHeader("x-grpc-thing"));
        Assert.False(GrpcMetadata.IsReservedHeader("authorization"));
    }
}
