using ProbeMonitor.Model;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Model;

/// <summary><see cref="GemmaModel.ResidualStreams"/>: several poolings from one forward pass equal the single-pooling path and
/// a naive pooling of the unpooled rows.</summary>
public sealed class GemmaMultiPoolingTests
{
    [Fact]
    public void Every_pooling_from_one_pass_equals_its_single_pooling_pass_and_a_naive_pooling_of_the_rows()
    {
        var config = TinyGemma.Config(layers: 3);
        string dir = TinyGemma.Write(config, WeightPrecision.BF16);
        try
        {
            using var model = GemmaModel.Load(dir);
            var tokens = TinyGemma.Sequences(config.VocabSize, 9, 1, 14);
            int[] layers = [0, 2];
            long before = model.BlocksRun;
            var all = model.ResidualStreams(tokens, layers, [Pooling.Max, Pooling.Last, Pooling.Mean, Pooling.None, Pooling.Mean]);
            Assert.Equal(3, model.BlocksRun - before); // one pass through layers 0..2, not one per pooling
            Assert.Equal([Pooling.Last, Pooling.Mean, Pooling.Max, Pooling.None], all.Keys.Order());

            int d = config.HiddenSize;
            foreach (var pooling in new[] { Pooling.Mean, Pooling.Max, Pooling.None })
            {
                var single = model.ResidualStream(tokens, layers, pooling);
                Assert.Equal(pooling, all[pooling].Pooling);
                Assert.Equal(3, all[pooling].LayersRun);
                foreach (var layer in layers)
                    for (int s = 0; s < tokens.Length; s++)
                        Assert.Equal(single.Get(layer, s), all[pooling].Get(layer, s)); // the same arithmetic: bit for bit
            }

            foreach (var layer in layers)
                for (int s = 0; s < tokens.Length; s++)
                {
                    var rows = all[Pooling.None].Get(layer, s);
                    int t = tokens[s].Length;
                    var last = all[Pooling.Last].Get(layer, s);
                    var mean = all[Pooling.Mean].Get(layer, s);
                    var max = all[Pooling.Max].Get(layer, s);
                    for (int i = 0; i < d; i++)
                    {
                        double sum = 0;
                        float top = float.NegativeInfinity;
                        for (int r = 0; r < t; r++)
                        {
                            sum += rows[r * d + i];
                            top = Math.Max(top, rows[r * d + i]);
                        }
                        Assert.Equal(rows[(t - 1) * d + i], last[i]); // every row was computed, so Last is the last row exactly
                        Assert.Equal(top, max[i]);
                        Assert.Equal((float)(sum / t), mean[i]); // summed in double, rounded once
                    }
                    // The last-row-only final layer multiplies fewer rows: equal up to GEMM rounding.
                    var lastOnly = model.ResidualStream(tokens, layers, Pooling.Last).Get(layer, s);
                    Assert.True(TinyGemma.RelativeError(last, lastOnly) <= 1e-5, $"layer {layer} sequence {s}");
                }

            // Last alone keeps the last-row-only pass: bit for bit what ResidualStream gives.
            var onlyLast = model.ResidualStreams(tokens, layers, [Pooling.Last]);
            var reference = model.ResidualStream(tokens, layers, Pooling.Last);
            for (int s = 0; s < tokens.Length; s++) Assert.Equal(reference.Get(2, s), onlyLast[Pooling.Last].Get(2, s));
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }

    [Fact]
    public void No_pooling_no_layer_and_a_layer_not_loaded_are_refused()
    {
        var config = TinyGemma.Config(layers: 2);
        string dir = TinyGemma.Write(config, WeightPrecision.F32);
        try
        {
            using var model = GemmaModel.Load(dir, maxLayer: 0);
            int[][] tokens = [[1, 2, 3]];
            Assert.Contains("no poolings", Assert.Throws<ArgumentException>(() => model.ResidualStreams(tokens, [0], [])).Message);
            Assert.Contains("no layers", Assert.Throws<ArgumentException>(() => model.ResidualStreams(tokens, [], [Pooling.Mean])).Message);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ResidualStreams(tokens, [1], [Pooling.Mean, Pooling.Last]));
            Assert.Contains("layer 1 is not available", e.Message);
            Assert.Contains("of 2", e.Message);
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }
}
