using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Sae.Training;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>A padded [N, T, d] file from `extract --pooling none` trains on its real tokens only, never on the zero padding.</summary>
public sealed class ActivationSourcePaddingTests
{
    [Fact]
    public void Lengths_select_the_real_tokens_in_order()
    {
        string dir = RepoPaths.NewTempDir("pm-acts-pad");
        try
        {
            // Sequence 0 has 1 real token, sequence 1 has 3; padding rows are zeros.
            float[] values = [1, 2, 0, 0, 0, 0, 3, 4, 5, 6, 7, 8];
            string path = Path.Combine(dir, "acts.safetensors");
            SafetensorsWriter.Write(path, [TensorToWrite.Singles("x", values, [2, 3, 2]), TensorToWrite.Int64("lengths", [1, 3], 2)]);
            using var source = ActivationSource.Open(path, "x");
            Assert.Equal(4, source.Rows);
            var rows = Enumerable.Range(0, 4).Select(r => { var row = new float[2]; source.CopyRow(r, row); return row; }).ToArray();
            Assert.Equal([[1f, 2f], [3f, 4f], [5f, 6f], [7f, 8f]], rows);

            // Without lengths every padded row is a row, as before.
            string bare = Path.Combine(dir, "bare.safetensors");
            SafetensorsWriter.Write(bare, [TensorToWrite.Singles("x", values, [2, 3, 2])]);
            using var all = ActivationSource.Open(bare, "x");
            Assert.Equal(6, all.Rows);

            SafetensorsWriter.Write(path, [TensorToWrite.Singles("x", values, [2, 3, 2]), TensorToWrite.Int64("lengths", [1, 4], 2)]);
            var e = Assert.Throws<TensorFormatException>(() => ActivationSource.Open(path, "x"));
            Assert.Contains("lengths", e.Message);
            Assert.Contains("entry 1 is 4", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
