using System.Text;
using ProbeMonitor.Formats.Numpy;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Numpy;

public sealed class NpyWriterTests
{
    [Fact]
    public void Header_matches_the_layout_numpy_save_produces()
    {
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, [1f, 2, 3, 4, 5, 6], [2, 3]);
        var bytes = ms.ToArray();
        // numpy 1.24 np.save(np.zeros((2,3), '<f4')): 128-byte header, dict padded with spaces, newline last.
        Assert.Equal(128 + 24, bytes.Length);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, bytes[..10]);
        var header = Encoding.ASCII.GetString(bytes, 10, 118);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.TrimEnd(' ', '\n'));
        Assert.EndsWith(" \n", header);
    }

    [Fact]
    public void One_dimensional_and_scalar_shapes_use_python_tuple_syntax()
    {
        static string Header(long[] shape, int n)
        {
            using var ms = new MemoryStream();
            NpyWriter.Write(ms, new float[n], shape);
            var bytes = ms.ToArray();
            return Encoding.ASCII.GetString(bytes, 10, Array.IndexOf(bytes, (byte)'\n') - 10);
        }
        Assert.Contains("'shape': (5,), }", Header([5], 5));
        Assert.Contains("'shape': (), }", Header([], 1));
    }

    [Theory]
    [InlineData(new long[] { 3, 4 })]
    [InlineData(new long[] { 0 })]
    [InlineData(new long[] { })]
    [InlineData(new long[] { 2, 1, 3, 1 })]
    public void Floats_and_longs_round_trip_through_the_reader(long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var floats = Enumerable.Range(0, (int)count).Select(i => i * 0.5f - 3).ToArray();
        var longs = Enumerable.Range(0, (int)count).Select(i => (long)i * 1_000_000_007 - 5).ToArray();
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, floats, shape);
        NpyWriter.Write(ms, longs, shape);
        ms.Position = 0;
        var f = NpyReader.Read(ms, "f");
        var l = NpyReader.Read(ms, "l");
        Assert.Equal(shape, f.Shape);
        Assert.Equal(floats, f.ToSingles());
        Assert.Equal("<i8", l.DTypeDescr);
        Assert.Equal(longs, l.ToInt64());
    }

    [Fact]
    public void Mismatched_shape_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(new MemoryStream(), [1f, 2f], [3]));
    }
}
