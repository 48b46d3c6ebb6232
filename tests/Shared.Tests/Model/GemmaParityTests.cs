using ProbeMonitor.Model;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Model;

/// <summary>The engine against an independent PyTorch forward pass on random tiny checkpoints.</summary>
public sealed class GemmaParityTests
{
    private const double Tolerance = 1e-4;

    // Odd lengths, all but one longer than the window of 5, one single token; run as one batch by the engine and one
    // by one by the reference, so any leakage between batch-mates shows.
    private static readonly int[] Lengths = [13, 7, 1, 22, 5];

    [PeerFact("python:torch")]
    public void F32_matches_torch_at_several_layers_and_logits() =>
        AssertParity(TinyGemma.Config(), WeightPrecision.F32);

    [PeerFact("python:torch")]
    public void BF16_with_explicit_layer_types_matches_torch() =>
        AssertParity(TinyGemma.Config(explicitLayerTypes: true), WeightPrecision.BF16);

    [PeerFact("python:torch")]
    public void F16_matches_torch() =>
        AssertParity(TinyGemma.Config() with { SlidingWindow = 3, AttnLogitSoftcapping = null }, WeightPrecision.F16);

    [PeerFact("python:torch")]
    public void Sequences_longer_than_one_attention_block_match_torch() =>
        AssertParity(TinyGemma.Config(layers: 2) with { SlidingWindow = 100, MaxPositionEmbeddings = 1024 }, WeightPrecision.BF16, [300, 9, 530]);

    private static void AssertParity(GemmaConfig config, WeightPrecision precision, int[]? lengths = null)
    {
        lengths ??= Lengths;
        var dir = TinyGemma.Write(config, precision);
        try
        {
            var sequences = TinyGemma.Sequences(config.VocabSize, lengths);
            int[] layers = [.. new[] { 0, 1, config.NumHiddenLayers - 1 }.Distinct()];
            var reference = TorchGemmaReference.Run(dir, sequences, layers);
            if (config.AttnLogitSoftcapping is { } cap)
                Assert.True(reference.MaxScore > 1.5 * cap, $"attention scores reach only {reference.MaxScore}: the cap {cap} would not bind");
            Assert.True(reference.MaxLogit > 1.5 * config.FinalLogitSoftcapping!.Value, $"logits reach only {reference.MaxLogit}");

            using var model = GemmaModel.Load(dir);
            var resid = model.ResidualStream(sequences, layers, Pooling.None);
            foreach (var layer in layers)
                for (int s = 0; s < sequences.Length; s++)
                {
                    double err = TinyGemma.RelativeError(resid.Get(layer, s), reference.Resid[layer][s]);
                    Assert.True(err <= Tolerance, $"{precision} layer {layer} sequence {s} (length {lengths[s]}): relative error {err:E2}");
                }

            // Last-token pooling computes the final requested layer for the last rows only.
            foreach (var layer in layers)
            {
                var last = model.ResidualStream(sequences, [layer], Pooling.Last);
                for (int s = 0; s < sequences.Length; s++)
                {
                    var expected = reference.Resid[layer][s].AsSpan((lengths[s] - 1) * config.HiddenSize, config.HiddenSize);
                    double err = TinyGemma.RelativeError(last.Get(layer, s), expected);
                    Assert.True(err <= Tolerance, $"{precision} last-token layer {layer} sequence {s}: relative error {err:E2}");
                }
            }

            var logits = model.Logits(sequences);
            for (int s = 0; s < sequences.Length; s++)
            {
                double err = TinyGemma.RelativeError(logits[s], reference.Logits[s]);
                Assert.True(err <= Tolerance, $"{precision} logits of sequence {s}: relative error {err:E2}");
            }
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }
}
