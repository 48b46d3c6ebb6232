using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Evaluation;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Evaluation;

/// <summary>The sparse-probing validation rule and the benchmark's grids as the protocol uses them.</summary>
public sealed class ValidationRuleTests
{
    private static int[] Alternating(int n) => Enumerable.Range(0, n).Select(i => i % 2).ToArray();

    [Theory]
    [InlineData(10, "leave-two-out")]
    [InlineData(12, "leave-two-out")]
    [InlineData(13, "six-fold")]
    [InlineData(127, "six-fold")]
    [InlineData(128, "holdout")]
    [InlineData(300, "holdout")]
    [InlineData(1000, "holdout")]
    public void Rule_picks_leave_two_out_six_fold_or_holdout_by_size(int n, string expected)
    {
        var y = Alternating(n);
        var splits = Splits.SparseProbing(y, 42);
        switch (expected)
        {
            case "leave-two-out":
                // C(n, 2) pairs, of which those holding one class are dropped: n/2·n/2 mixed pairs remain.
                Assert.Equal(n / 2 * (n / 2), splits.Count);
                Assert.All(splits, s => Assert.Equal(2, s.Test.Length));
                break;
            case "six-fold":
                Assert.Equal(6, splits.Count);
                Assert.Equal(Enumerable.Range(0, n), splits.SelectMany(s => s.Test).Order());
                break;
            default:
                var single = Assert.Single(splits);
                Assert.Equal(Math.Min((int)(0.2 * n), 100), single.Test.Length);
                Assert.Equal(Enumerable.Range(n - single.Test.Length, single.Test.Length), single.Test);
                break;
        }
    }

    [Fact]
    public void Protocol_warns_and_uses_the_training_AUC_when_there_are_too_few_rows_to_validate()
    {
        var log = new EvaluationLog();
        var x = new float[] { -1, 0, 1, 2 };
        var (model, val) = LogisticSelection.Fit(x[..3], [0, 0, 1], 1, [], log, "tiny");
        Assert.Equal(1.0, model.C);
        Assert.Equal(1.0, val); // separable: training AUC 1
        Assert.Contains(log.Warnings, w => w.Contains("too few"));
    }

    [Fact]
    public void Single_class_folds_are_skipped_with_a_warning()
    {
        var log = new EvaluationLog();
        var (x, y) = SyntheticEvaluationData.Pooled(40, 3, seed: 2);
        var splits = new List<DataSplit>(Splits.StratifiedKFold(y, 4, 1))
        {
            new(Enumerable.Range(0, 40).Where(i => y[i] == 1).ToArray(), Enumerable.Range(0, 40).Where(i => y[i] == 0).ToArray()),
        };
        var (_, val) = LogisticSelection.Fit(x, y, SyntheticEvaluationData.Dim, splits, log, "folds");
        Assert.True(val > 0.8);
        Assert.Contains(log.Warnings, w => w.Contains("1 of 5 validation splits skipped"));
    }

    [PeerFact("python:numpy")]
    public void Integer_log_grids_and_regime_grids_equal_numpys()
    {
        int[] maxima = [1, 2, 3, 5, 10, 31, 32, 50, 64, 99, 100];
        const string script = """
            import json, sys
            import numpy as np
            m = json.load(sys.stdin)
            print(json.dumps({
              "grids": [np.unique(np.logspace(0, np.log2(v), num=10, base=2, dtype=int)).tolist() for v in m],
              "sizes": np.unique(np.round(np.logspace(1, 10, num=20, base=2)).astype(int)).tolist(),
              "shares": np.linspace(0.05, 0.95, 19).tolist(),
              "noise": np.linspace(0, 0.5, 11).tolist()}))
            """;
        using var doc = JsonDocument.Parse(Peers.RunPython(script, JsonSerializer.Serialize(maxima)));
        var grids = doc.RootElement.GetProperty("grids").EnumerateArray().ToArray();
        for (int i = 0; i < maxima.Length; i++)
            Assert.Equal(grids[i].EnumerateArray().Select(e => e.GetInt32()), ValidationSearch.IntLogGrid(maxima[i]));
        Assert.Equal(doc.RootElement.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()), TrainingRegimes.ScarcitySizes);
        foreach (var (name, ours) in new[] { ("shares", TrainingRegimes.ImbalanceShares), ("noise", TrainingRegimes.NoiseFractions) })
        {
            var theirs = doc.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(theirs.Length, ours.Count);
            for (int i = 0; i < theirs.Length; i++) Assert.Equal(theirs[i], ours[i], 12);
        }
    }
}
