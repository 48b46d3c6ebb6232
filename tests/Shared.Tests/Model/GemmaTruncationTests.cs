using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Model;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Model;

public sealed class GemmaTruncationTests
{
    [Fact]
    public void A_forward_to_layer_L_runs_L_plus_1_layers_and_a_checkpoint_cut_after_L_gives_the_same_activations()
    {
        var config = TinyGemma.Config(layers: 4);
        string dir = TinyGemma.Write(config, WeightPrecision.BF16);
        try
        {
            var tokens = TinyGemma.Sequences(config.VocabSize, 11, 6);
            float[] full;
            using (var model = GemmaModel.Load(dir))
            {
                var r = model.ResidualStream(tokens, [1], Pooling.None);
                Assert.Equal(2, model.BlocksRun);
                Assert.Equal(2, r.LayersRun);
                full = r.Get(1, 0);
            }

            // Drop layers 2 and 3 and the final norm: loading up to layer 1 must neither need nor touch them.
            using (var file = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors")))
            {
                var kept = file.Tensors
                    .Where(t => !t.Name.StartsWith("model.layers.2.", StringComparison.Ordinal) && !t.Name.StartsWith("model.layers.3.", StringComparison.Ordinal) && t.Name != "model.norm.weight")
                    .Select(t => new TensorToWrite(t.Name, t.DType, t.Shape, file.GetBytes(t.Name).ToArray()))
                    .ToList();
                file.Dispose();
                SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), kept);
            }
            Assert.Contains("model.layers.2.", Assert.Throws<ModelFormatException>(() => GemmaModel.Load(dir).Dispose()).Message);
            using var cut = GemmaModel.Load(dir, maxLayer: 1);
            Assert.Equal(2, cut.LoadedLayers);
            Assert.Equal(full, cut.ResidualStream(tokens, [1], Pooling.None).Get(1, 0));
            Assert.Contains("layer 2", Assert.Throws<ArgumentOutOfRangeException>(() => cut.ResidualStream(tokens, [2], Pooling.Last)).Message);
            Assert.Throws<InvalidOperationException>(() => cut.Logits(tokens));
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }

    [Fact]
    public void Each_sequence_in_a_batch_gets_what_it_gets_alone_and_pooling_reduces_its_own_rows()
    {
        var config = TinyGemma.Config(layers: 2);
        string dir = TinyGemma.Write(config, WeightPrecision.F32);
        try
        {
            using var model = GemmaModel.Load(dir);
            var tokens = TinyGemma.Sequences(config.VocabSize, 3, 17, 8);
            var batched = model.ResidualStream(tokens, [0, 1], Pooling.None);
            int d = config.HiddenSize;
            for (int s = 0; s < tokens.Length; s++)
            {
                var alone = model.ResidualStream([tokens[s]], [1], Pooling.None).Get(1, 0);
                Assert.True(TinyGemma.RelativeError(batched.Get(1, s), alone) <= 1e-6, $"sequence {s} differs in a batch");

                var rows = batched.Get(1, s);
                int t = tokens[s].Length;
                var last = model.ResidualStream(tokens, [1], Pooling.Last).Get(1, s);
                var mean = model.ResidualStream(tokens, [1], Pooling.Mean).Get(1, s);
                var max = model.ResidualStream(tokens, [1], Pooling.Max).Get(1, s);
                for (int i = 0; i < d; i++)
                {
                    var column = Enumerable.Range(0, t).Select(r => rows[r * d + i]).ToArray();
                    Assert.Equal(column[^1], last[i], 1e-5); // the last-token-only final layer multiplies fewer rows
                    Assert.Equal(column.Max(), max[i]);
                    Assert.Equal(column.Average(v => (double)v), mean[i], 1e-5);
                }
            }
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }

    [Fact]
    public void Out_of_vocabulary_ids_and_empty_sequences_are_rejected_by_position()
    {
        var config = TinyGemma.Config(layers: 1);
        string dir = TinyGemma.Write(config, WeightPrecision.F32);
        try
        {
            using var model = GemmaModel.Load(dir);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ResidualStream([[1, 2], [3, 101]], [0], Pooling.Last));
            Assert.Contains("sequence 1 token 1", e.Message);
            Assert.Contains("sequence 0 is empty", Assert.Throws<ArgumentException>(() => model.ResidualStream([[]], [0], Pooling.Last)).Message);
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }

    [Fact]
    public void Gelu_tanh_matches_published_values()
    {
        // torch.nn.functional.gelu(x, approximate="tanh") for x = -3, -1, 0, 0.5, 1, 3.
        float[] x = [-3f, -1f, 0f, 0.5f, 1f, 3f];
        double[] expected = [-0.0036373781, -0.1588079929, 0.0, 0.3457140028, 0.8411920071, 2.9963626862];
        GemmaMlp.GeluTanh(x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], x[i], 1e-6);
    }
}
