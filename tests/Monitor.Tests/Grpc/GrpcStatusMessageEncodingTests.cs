using ProbeMonitor.Monitor.Grpc;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

public sealed class GrpcStatusMessageEncodingTests
{
    // Expected encodings are worked out by hand from PROTOCOL-HTTP2.md: UTF-8 bytes, %XX (upper case) for bytes
    // outside 0x20-0x7E and for '%' itself; everything else verbatim.
    [Theory]
    [InlineData("", "")]
    [InlineData("plain text, printable: ~!@#$^&*()", "plain text, printable: ~!@#$^&*()")]
    [InlineData("100%", "100%25")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("line\r\nbreak", "line%0D%0Abreak")]
    [InlineData("\u0000", "%00")]
    [InlineData("\u007F", "%7F")]
    [InlineData("é", "%C3%A9")]
    [InlineData("\u1234", "%E1%88%B4")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void Encodes_as_the_spec_says_and_decodes_back(string detail, string wire)
    {
        Assert.Equal(wire, GrpcStatusMessageEncoding.Encode(detail));
        Assert.Equal(detail, GrpcStatusMessageEncoding.Decode(wire));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("50%", "50%")]
    [InlineData("%G1 and %1", "%G1 and %1")]
    [InlineData("%e2%88%b4 lower-case hex", "∴ lower-case hex")]
    [InlineData("%FF bad utf8", "\uFFFD bad utf8")]
    public void Broken_or_lenient_input_decodes_without_throwing(string wire, string expected) =>
        Assert.Equal(expected, GrpcStatusMessageEncoding.Decode(wire));

    [Fact]
    public void Every_encoded_char_is_allowed_on_the_wire()
    {
        var all = new string(Enumerable.Range(0, 0x800).Select(i => (char)i).Where(c => !char.IsSurrogate(c)).ToArray());
        var wire = GrpcStatusMessageEncoding.Encode(all);
        Assert.All(wire, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(all, GrpcStatusMessageEncoding.Decode(wire));
    }
}
