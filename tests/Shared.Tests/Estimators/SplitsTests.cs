using ProbeMonitor.Estimators;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Estimators;

public sealed class SplitsTests
{
    [Fact]
    public void Stratified_folds_partition_the_rows_and_balance_the_classes()
    {
        var y = Enumerable.Range(0, 103).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var folds = Splits.StratifiedKFold(y, 5, seed: 1);
        Assert.Equal(5, folds.Count);
        Assert.Equal(Enumerable.Range(0, 103), folds.SelectMany(f => f.Test).Order());
        int positives = y.Sum();
        foreach (var f in folds)
        {
            Assert.Equal(Enumerable.Range(0, 103).Except(f.Test), f.Train);
            int pos = f.Test.Count(i => y[i] == 1);
            // sklearn's allocation: the per-fold class counts differ by at most one.
            Assert.InRange(pos, positives / 5, positives / 5 + 1);
            Assert.InRange(f.Test.Length, 103 / 5, 103 / 5 + 1);
        }
        Assert.Equal(folds.Select(f => f.Test), Splits.StratifiedKFold(y, 5, seed: 1).Select(f => f.Test));
        Assert.NotEqual(folds.Select(f => f.Test), Splits.StratifiedKFold(y, 5, seed: 2).Select(f => f.Test));
    }

    [Fact]
    public void Leave_two_out_enumerates_every_pair()
    {
        var splits = Splits.LeavePOut(5, 2);
        Assert.Equal(10, splits.Count);
        Assert.Equal([0, 1], splits[0].Test);
        Assert.Equal([3, 4], splits[^1].Test);
        Assert.Equal([1, 2], splits[4].Test); // after (0,1) (0,2) (0,3) (0,4)
        Assert.Equal([0, 3, 4], splits[4].Train);
    }

    [Fact]
    public void Sparse_probing_rule_picks_the_benchmarks_scheme_by_size()
    {
        var tiny = Enumerable.Range(0, 10).Select(i => i % 2).ToArray();
        Assert.Equal(25, Splits.SparseProbing(tiny).Count); // 45 pairs, 25 with both classes
        var small = Enumerable.Range(0, 60).Select(i => i % 2).ToArray();
        Assert.Equal(6, Splits.SparseProbing(small).Count);
        var large = Enumerable.Range(0, 1024).Select(i => i % 2).ToArray();
        var holdout = Assert.Single(Splits.SparseProbing(large));
        Assert.Equal(Enumerable.Range(924, 100), holdout.Test);
        Assert.Equal(924, holdout.Train.Length);
        Assert.Equal(Enumerable.Range(160, 40), Splits.Holdout(200).Test);
    }

    [Fact]
    public void Grid_search_skips_single_class_splits()
    {
        var (x, y) = EstimatorTestData.Logistic(seed: 1, n: 80, d: 4, signal: 4);
        var order = Enumerable.Range(0, 80).OrderBy(i => y[i]).ToArray();
        int firstPositive = Array.FindIndex(order, i => y[i] == 1);
        var splits = new List<DataSplit>
        {
            new(order[..firstPositive], order[firstPositive..]),
            Splits.Holdout(80),
        };
        var result = CGridSearch.Run(x, y, 4, splits, CGridSearch.SparseProbingGrid());
        Assert.Equal(1, result.UsedSplits);
        Assert.Equal(1, result.SkippedSplits);
        Assert.Equal(result.MeanScores.Max(), result.BestScore);
        Assert.Equal(result.Cs[Array.IndexOf(result.MeanScores, result.MeanScores.Max())], result.BestC);
        Assert.Throws<InvalidOperationException>(() => CGridSearch.Run(x, y, 4, [splits[0]], [1.0]));
    }
}
