using ProbeMonitor.Evaluation;
using ProbeMonitor.Sae;
using Xunit;
using static ProbeMonitor.Shared.Tests.Evaluation.SyntheticEvaluationData;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class ToxicityTransferProtocolTests
{
    [Fact]
    public void English_probes_transfer_to_a_language_with_the_same_signal_and_not_to_one_without()
    {
        const int t = 6;
        var (v, l, y) = Tokens(240, t, 6, seed: 1);
        var (fv, fl, fy) = Tokens(120, t, 6, seed: 2);
        var (nv, nl, ny) = Tokens(120, t, 0, seed: 3);
        var inputs = new ToxicityTransferInputs(TokenSet("en", v, l, y, t), [("fr", TokenSet("fr", fv, fl, fy, t)), ("xx", TokenSet("xx", nv, nl, ny, t))], TinySae(planted: true));
        var result = ToxicityTransferProtocol.Run(inputs, new ToxicityTransferOptions([2]), new EvaluationLog());
        var methods = result.Rows.Select(r => (r.Method, r.Pooling)).Distinct().ToArray();
        Assert.Contains(("dense", "last"), methods);
        Assert.Contains(("sae_binarized", "max"), methods);
        Assert.Contains(("sae_top2_counts", "sum"), methods);
        Assert.Equal(3 + 6 + 2, methods.Length);
        var fr = result.Rows.Where(r => r.Dataset == "fr").ToList();
        Assert.True(fr.Single(r => r.Method == "sae" && r.Pooling == "max").TestMacroF1 > 0.85);
        Assert.True(fr.Single(r => r.Method == "sae_top2_binary").TestMacroF1 > 0.85);
        foreach (var r in result.Rows.Where(r => r.Dataset == "xx")) Assert.InRange(r.TestAuc, 0.3, 0.7);
        Assert.Contains("macro-F1", result.Markdown);
    }

    [Fact]
    public void Token_features_equal_a_naive_dense_computation()
    {
        const int t = 5;
        var (v, l, _) = Tokens(20, t, 4, seed: 8);
        var tokens = new TokenSequences(v, l, t, Dim);
        var sae = TinySae(planted: true);
        var features = TokenLatentFeatures.Compute(sae, tokens, [3]);
        for (int i = 0; i < 20; i++)
        {
            var dense = sae.Encode(tokens.Sequence(i), l[i]);
            for (int j = 0; j < Width; j++)
            {
                var column = Enumerable.Range(0, l[i]).Select(s => dense[s * Width + j]).ToArray();
                Assert.Equal(column[^1], features.Pooled["last"].Gather([j])[i]);
                Assert.Equal(column.Average(), features.Pooled["mean"].Gather([j])[i], 5);
                Assert.Equal(column.Max(), features.Pooled["max"].Gather([j])[i]);
                int count = Enumerable.Range(0, l[i]).Count(s =>
                    dense[s * Width + j] > 0 && Enumerable.Range(0, Width).Count(o => dense[s * Width + o] > dense[s * Width + j]
                        || (dense[s * Width + o] == dense[s * Width + j] && o < j)) < 3);
                Assert.Equal(count, features.TopNCounts[3].Gather([j])[i]);
            }
        }
    }
}
