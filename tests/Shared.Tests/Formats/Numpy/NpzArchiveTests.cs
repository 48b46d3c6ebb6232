using System.IO.Compression;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Numpy;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Numpy;

public sealed class NpzArchiveTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Arrays_written_by_NpzWriter_read_back(bool compressed)
    {
        var path = _dir.File("a.npz");
        var big = Enumerable.Range(0, 100_000).Select(i => MathF.Sin(i)).ToArray(); // larger than one read chunk
        using (var w = NpzWriter.Create(path, compressed))
        {
            w.Add("W_enc", [1f, 2, 3, 4, 5, 6], 2, 3);
            w.Add("steps", [7L, 8L], 2);
            w.Add("big", big, 100_000);
        }
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(["W_enc.npy", "steps.npy", "big.npy"], zip.Entries.Select(e => e.FullName));
            Assert.All(zip.Entries, e => Assert.Equal(compressed, e.CompressedLength < e.Length));
        }
        using var npz = NpzArchive.Open(path);
        Assert.Equal(["W_enc", "steps", "big"], npz.Names);
        Assert.True(npz.Contains("W_enc"));
        Assert.False(npz.Contains("W_enc.npy"));
        var wEnc = npz.Read("W_enc");
        Assert.Equal("W_enc", wEnc.Name);
        Assert.Equal([2L, 3], wEnc.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], wEnc.ToSingles());
        Assert.Equal([7L, 8L], npz.Read("steps").ToInt64());
        Assert.Equal(big, npz.Read("big").ToSingles());
    }

    [Fact]
    public void Missing_array_error_names_it_and_lists_present_ones()
    {
        var path = _dir.File("m.npz");
        using (var w = NpzWriter.Create(path)) w.Add("b_enc", [1f], 1);
        using var npz = NpzArchive.Open(path);
        var e = Assert.Throws<TensorFormatException>(() => npz.Read("W_dec"));
        Assert.Equal("W_dec", e.TensorName);
        Assert.Contains("'b_enc'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_a_TensorFormatException_wrapping_the_zip_error()
    {
        var path = _dir.Write("bad.npz", "definitely not a zip archive"u8.ToArray());
        var e = Assert.Throws<TensorFormatException>(() => NpzArchive.Open(path));
        Assert.Contains("not a readable zip archive", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void A_malformed_npy_inside_the_archive_names_archive_and_array()
    {
        var path = _dir.File("inner.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("x.npy").Open())
            s.Write(RawNpy.Build(RawNpy.Dict("<f4", "(2, 2)", fortran: true), new byte[16]));
        using var npz = NpzArchive.Open(path);
        var e = Assert.Throws<TensorFormatException>(() => npz.Read("x"));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("x", e.TensorName);
        Assert.Contains("Fortran", e.Message);
    }

    [Fact]
    public void Two_entries_for_one_key_are_refused()
    {
        var path = _dir.File("dup.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            zip.CreateEntry("x.npy").Open().Dispose();
            zip.CreateEntry("x").Open().Dispose();
        }
        Assert.Contains("two entries", Assert.Throws<TensorFormatException>(() => NpzArchive.Open(path)).Message);
    }

    [Fact]
    public void NpzWriter_refuses_a_repeated_name()
    {
        using var w = new NpzWriter(new MemoryStream());
        w.Add("a", [1f], 1);
        Assert.Throws<ArgumentException>(() => w.Add("a", [1f], 1));
    }
}
