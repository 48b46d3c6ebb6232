using System.Buffers.Binary;
using System.Text;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Numpy;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Numpy;

public sealed class NpyReaderTests
{
    private static NpyArray Read(byte[] bytes, bool seekable = true) =>
        NpyReader.Read(seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes), "arr");

    private static TensorFormatException Fails(byte[] bytes, bool seekable = true)
    {
        var e = Assert.Throws<TensorFormatException>(() => Read(bytes, seekable));
        Assert.Equal("arr", e.TensorName);
        return e;
    }

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[4 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_a_hand_built_float32_array(bool seekable)
    {
        var a = Read(RawNpy.Build(RawNpy.Dict("<f4", "(2, 3)"), Floats(1, 2, 3, 4, 5, -6.5f)), seekable);
        Assert.Equal("arr", a.Name);
        Assert.Equal("<f4", a.DTypeDescr);
        Assert.Equal([2L, 3], a.Shape);
        Assert.Equal(6, a.ElementCount);
        Assert.Equal([1f, 2, 3, 4, 5, -6.5f], a.ToSingles());
    }

    [Fact]
    public void Converts_every_supported_dtype()
    {
        var f2 = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(f2, 0x3C00);          // 1.0
        BinaryPrimitives.WriteUInt16LittleEndian(f2.AsSpan(2), 0xC100); // -2.5
        Assert.Equal([1f, -2.5f], Read(RawNpy.Build(RawNpy.Dict("<f2", "(2,)"), f2)).ToSingles());

        var f8 = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(f8, 0.1);
        BinaryPrimitives.WriteDoubleLittleEndian(f8.AsSpan(8), -1e300);
        Assert.Equal([0.1f, float.NegativeInfinity], Read(RawNpy.Build(RawNpy.Dict("<f8", "(2,)"), f8)).ToSingles());

        var i8 = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(i8, long.MinValue);
        BinaryPrimitives.WriteInt64LittleEndian(i8.AsSpan(8), 42);
        var a8 = Read(RawNpy.Build(RawNpy.Dict("<i8", "(2,)"), i8));
        Assert.Equal([long.MinValue, 42L], a8.ToInt64());
        Assert.Equal([-9.223372E+18f, 42f], a8.ToSingles());

        var i4 = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(i4, -7);
        BinaryPrimitives.WriteInt32LittleEndian(i4.AsSpan(4), int.MaxValue);
        Assert.Equal([-7L, int.MaxValue], Read(RawNpy.Build(RawNpy.Dict("<i4", "(2,)"), i4)).ToInt64());

        var u1 = Read(RawNpy.Build(RawNpy.Dict("|u1", "(3,)"), [0, 128, 255]));
        Assert.Equal([0L, 128, 255], u1.ToInt64());
        Assert.Equal([0f, 128, 255], u1.ToSingles());
    }

    [Fact]
    public void ToInt64_refuses_float_arrays()
    {
        var e = Assert.Throws<TensorFormatException>(() => Read(RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), Floats(1))).ToInt64());
        Assert.Contains("not an integer type", e.Message);
    }

    [Fact]
    public void Accepts_scalars_empty_arrays_version_2_and_3_headers_and_python2_long_literals()
    {
        var scalar = Read(RawNpy.Build(RawNpy.Dict("<f4", "()"), Floats(9)));
        Assert.Empty(scalar.Shape);
        Assert.Equal([9f], scalar.ToSingles());
        Assert.Empty(Read(RawNpy.Build(RawNpy.Dict("<f4", "(0, 4)"), [])).ToSingles());
        Assert.Equal([5f], Read(RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), Floats(5), major: 2)).ToSingles());
        Assert.Equal([5f], Read(RawNpy.Build(RawNpy.Dict("<f4", "(1,)") + " ", Floats(5), major: 3, encoding: Encoding.UTF8)).ToSingles());
        Assert.Equal([1L, 1], Read(RawNpy.Build("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 1L), }", Floats(5))).Shape);
        Assert.Equal([2L], Read(RawNpy.Build("{\"shape\":(2,),\"fortran_order\":False,\"descr\":\"<f4\"}", Floats(1, 2))).Shape);
    }

    [Fact]
    public void Fortran_order_is_rejected_clearly()
    {
        var e = Fails(RawNpy.Build(RawNpy.Dict("<f4", "(2, 2)", fortran: true), Floats(1, 2, 3, 4)));
        Assert.Contains("Fortran", e.Message);
        Assert.Contains("only C order", e.Message);
    }

    [Fact]
    public void Big_endian_is_rejected_clearly()
    {
        Assert.Contains("big-endian dtype '>f4'", Fails(RawNpy.Build(RawNpy.Dict(">f4", "(1,)"), Floats(1))).Message);
    }

    [Theory]
    [InlineData("<c8", "unsupported dtype '<c8'")]
    [InlineData("<U4", "unsupported dtype '<U4'")]
    [InlineData("O", "unsupported dtype 'O'")]
    public void Unsupported_dtypes(string descr, string expected)
    {
        Assert.Contains(expected, Fails(RawNpy.Build(RawNpy.Dict(descr, "(1,)"), new byte[16])).Message);
    }

    [Theory]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "structured")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "lacks 'fortran_order'")]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", "lacks 'descr'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "lacks 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unexpected key 'x'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "'descr' twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "not True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "negative dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", "where ',' or ')' was expected")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "where '(' was expected")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "too large for 64 bits")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} extra", "text after its closing")]
    [InlineData("{'descr': '<f4", "unterminated string")]
    [InlineData("'descr'", "where '{' was expected")]
    [InlineData("{'descr': '<\\x66', 'fortran_order': False, 'shape': (1,)}", "escapes")]
    public void Malformed_headers(string header, string expected)
    {
        Assert.Contains(expected, Fails(RawNpy.Build(header, new byte[8])).Message);
    }

    [Theory]
    [InlineData("(4294967296, 4294967296)")]
    [InlineData("(3037000500, 3037000500)")]
    [InlineData("(4611686018427387904,)")]
    public void Shape_products_that_overflow(string shape)
    {
        Assert.Contains("overflows", Fails(RawNpy.Build(RawNpy.Dict("<f4", shape), new byte[8])).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Data_shorter_than_the_shape_needs(bool seekable)
    {
        var e = Fails(RawNpy.Build(RawNpy.Dict("<f4", "(1000, 1000)"), Floats(1, 2)), seekable);
        Assert.True(e.Message.Contains("only 8 remain") || e.Message.Contains("file ends before the 4000000 data bytes"), e.Message);
    }

    [Fact]
    public void Bad_magic_unknown_version_and_truncated_prefix()
    {
        var good = RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), Floats(1));
        var badMagic = (byte[])good.Clone();
        badMagic[1] = (byte)'X';
        Assert.Contains("magic", Fails(badMagic).Message);
        var v4 = (byte[])good.Clone();
        v4[6] = 4;
        Assert.Contains("unsupported .npy format version 4.0", Fails(v4).Message);
        Assert.Contains("magic", Fails(good[..5]).Message);
        Assert.Contains("inside the header length", Fails(good[..9]).Message);
        Assert.Contains("inside the", Fails(good[..20], seekable: false).Message);
        Assert.Contains("runs past the end", Fails(good[..20]).Message);
    }

    [Fact]
    public void Declared_header_length_is_bounded_by_the_stream_and_by_a_cap()
    {
        var data = Floats(1);
        Assert.Contains("runs past the end", Fails(RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), data, declaredLength: 60000)).Message);
        Assert.Contains("exceeds the 1048576-byte cap", Fails(RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), data, major: 2, declaredLength: uint.MaxValue)).Message);
        Assert.Contains("exceeds the 1048576-byte cap",
            Fails(RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), data, major: 2, declaredLength: uint.MaxValue), seekable: false).Message);
    }

    [Fact]
    public void Version_3_header_must_be_UTF8()
    {
        var bytes = RawNpy.Build(RawNpy.Dict("<f4", "(1,)"), Floats(1), major: 3);
        bytes[14] = 0xFF; // inside the header text
        Assert.Contains("not valid UTF-8", Fails(bytes).Message);
    }
}
