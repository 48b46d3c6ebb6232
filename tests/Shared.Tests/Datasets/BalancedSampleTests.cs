using ProbeMonitor.Datasets;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

/// <summary>A balanced sample has half of each label, keeps file order, depends only on the seed, and refuses what it cannot draw.</summary>
public sealed class BalancedSampleTests
{
    private static readonly LabeledDataset Data = new("d",
        Enumerable.Range(0, 30).Select(i => new LabeledText($"t{i}", i % 3 == 0 ? 1 : 0)).ToList(), "label 1", []);

    [Fact]
    public void Half_of_each_label_in_file_order_and_seeded()
    {
        var sample = BalancedSample.Take(Data, 12, seed: 5);
        Assert.Equal(6, sample.Positives);
        Assert.Equal(6, sample.Negatives);
        var indices = sample.Examples.Select(e => int.Parse(e.Text[1..])).ToArray();
        Assert.Equal(indices.Order(), indices);
        Assert.Equal(12, indices.Distinct().Count());
        Assert.All(sample.Examples, e => Assert.Equal(int.Parse(e.Text[1..]) % 3 == 0 ? 1 : 0, e.Label));
        Assert.Equal(sample.Examples, BalancedSample.Take(Data, 12, seed: 5).Examples);
        Assert.NotEqual(sample.Examples, BalancedSample.Take(Data, 12, seed: 6).Examples);
        Assert.Contains("Balanced sample: 6 of each label from 30 (seed 5)", sample.Description);
    }

    [Fact]
    public void Too_few_of_a_label_or_an_odd_size_is_refused()
    {
        Assert.Contains("10 examples of label 1", Assert.Throws<ArgumentException>(() => BalancedSample.Take(Data, 24, 0)).Message);
        Assert.Throws<ArgumentException>(() => BalancedSample.Take(Data, 7, 0));
        Assert.Throws<ArgumentException>(() => BalancedSample.Take(Data, 0, 0));
    }
}
