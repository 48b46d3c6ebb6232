using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Sae.Training;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>Padded token files (extract --pooling none) give only their real tokens as training rows.</summary>
public sealed class ActivationSourceTests : IDisposable
{
    private const string Key = "blocks.1.hook_resid_post";
    private readonly string _dir = RepoPaths.NewTempDir("pm-activation-source");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>[3, 4, 2] with lengths [2, 4, 1]: real token (i, t) holds (10i + t, −(10i + t)); padding holds 999.</summary>
    private string WritePadded(long[] lengths, string name = "padded.safetensors")
    {
        var values = new float[3 * 4 * 2];
        for (int i = 0; i < 3; i++)
            for (int t = 0; t < 4; t++)
            {
                bool real = t < lengths[i];
                values[(i * 4 + t) * 2] = real ? 10 * i + t : 999f;
                values[(i * 4 + t) * 2 + 1] = real ? -(10 * i + t) : 999f;
            }
        string path = Path.Combine(_dir, name);
        SafetensorsWriter.Write(path, [TensorToWrite.BFloat16(Key, values, 3, 4, 2), TensorToWrite.Int64("lengths", lengths, 3)]);
        return path;
    }

    [Fact]
    public void Padding_after_each_length_is_not_a_row()
    {
        using var source = ActivationSource.Open(WritePadded([2, 4, 1]), Key);
        Assert.Equal(7, source.Rows);
        // Naive reference: the real tokens in sequence order.
        float[] expected = [0, 1, 10, 11, 12, 13, 20];
        var row = new float[2];
        for (int r = 0; r < expected.Length; r++)
        {
            source.CopyRow(r, row);
            Assert.Equal([expected[r], -expected[r]], row);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => source.CopyRow(7, row));
    }

    [Fact]
    public void A_tensor_without_lengths_keeps_every_row()
    {
        string path = Path.Combine(_dir, "flat.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles(Key, new float[3 * 4 * 2], 3, 4, 2)]);
        using var source = ActivationSource.Open(path, Key);
        Assert.Equal(12, source.Rows);
    }

    [Fact]
    public void Lengths_beyond_the_padded_length_are_refused()
    {
        var e = Assert.Throws<TensorFormatException>(() => ActivationSource.Open(WritePadded([2, 5, 1], "bad.safetensors"), Key));
        Assert.Contains("lengths", e.Message);
        Assert.Contains("element 1 is 5", e.Message);
    }
}
