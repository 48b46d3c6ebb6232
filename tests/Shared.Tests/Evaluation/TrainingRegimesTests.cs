using ProbeMonitor.Evaluation;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class TrainingRegimesTests
{
    private static readonly int[] Train = Enumerable.Range(0, 400).Select(i => i % 2).ToArray();
    private static readonly int[] Test = Enumerable.Range(0, 200).Select(i => i % 2).ToArray();

    [Fact]
    public void Scarcity_draws_balanced_distinct_rows_of_each_size_the_file_can_fill()
    {
        var log = new EvaluationLog();
        var settings = TrainingRegimes.Settings(Regime.Scarcity, Train, Test, 42, log);
        Assert.Equal("normal", settings[0].Setting);
        var sizes = settings.Skip(1).Select(s => (int)s.Value!).ToArray();
        Assert.Equal(TrainingRegimes.ScarcitySizes.Where(n => n <= 400), sizes);
        foreach (var s in settings.Skip(1))
        {
            Assert.Equal((int)s.Value!, s.TrainRows.Distinct().Count());
            Assert.Equal(((int)s.Value! + 1) / 2, s.TrainRows.Count(i => Train[i] == 1));
        }
        Assert.Contains(log.Warnings, w => w.Contains("512") || w.Contains("531"));
    }

    [Fact]
    public void Imbalance_draws_train_and_test_at_each_positive_share()
    {
        var settings = TrainingRegimes.Settings(Regime.Imbalance, Train, Test, 42, new EvaluationLog());
        Assert.Equal(20, settings.Count);
        foreach (var s in settings.Skip(1))
        {
            int n = s.TrainRows.Length;
            Assert.Equal(Math.Min((int)Math.Min(200 / 0.95, 200 / 0.95), 1024), n);
            Assert.Equal((int)Math.Ceiling(s.Value!.Value * n), s.TrainRows.Count(i => Train[i] == 1));
            var test = s.TestRows!;
            Assert.Equal((int)Math.Ceiling(s.Value!.Value * test.Length), test.Count(i => Test[i] == 1));
            Assert.Equal(TrainingRegimes.LargestAtShare(s.Value!.Value, 100, 100), test.Length);
        }
    }

    [Fact]
    public void Noise_flips_exactly_the_fraction_of_training_labels()
    {
        var settings = TrainingRegimes.Settings(Regime.Noise, Train, Test, 42, new EvaluationLog());
        foreach (var s in settings.Skip(1))
            Assert.Equal((int)(400 * s.Value!.Value), s.TrainLabels!.Zip(Train).Count(p => p.First != p.Second));
    }
}
