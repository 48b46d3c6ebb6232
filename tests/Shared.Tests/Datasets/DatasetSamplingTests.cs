using ProbeMonitor.Datasets;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

/// <summary>Seeded subsets: class counts, disjointness, file order and determinism, checked by counting directly.</summary>
public sealed class DatasetSamplingTests
{
    /// <summary>100 examples, 30 of them label 1, each text unique ("t{i}").</summary>
    private static LabeledDataset Data() =>
        new("d", Enumerable.Range(0, 100).Select(i => new LabeledText($"t{i}", i % 10 < 3 ? 1 : 0)).ToList(), "label 1", []);

    private static int Index(LabeledText e) => int.Parse(e.Text[1..], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Stratified_split_keeps_the_positive_share_and_parts_are_disjoint()
    {
        var split = DatasetSampling.TrainTest(Data(), trainCount: 40, testCount: 20, balanced: false, seed: 3);
        Assert.Equal((20, 6), (split.Test.Count, split.Test.Positives));
        Assert.Equal((40, 12), (split.Train.Count, split.Train.Positives));
        Assert.Empty(split.Train.Examples.Select(Index).Intersect(split.Test.Examples.Select(Index)));
        Assert.Equal(split.Train.Examples.Select(Index).Order(), split.Train.Examples.Select(Index)); // file order
        Assert.All(split.Train.Examples, e => Assert.Equal(Index(e) % 10 < 3 ? 1 : 0, e.Label));
    }

    [Fact]
    public void Balanced_parts_have_equal_classes_and_the_train_part_defaults_to_the_rest()
    {
        var split = DatasetSampling.TrainTest(Data(), trainCount: null, testCount: 20, balanced: true, seed: 1);
        Assert.Equal((20, 10), (split.Test.Count, split.Test.Positives));
        Assert.Equal((80, 20), (split.Train.Count, split.Train.Positives)); // everything left
        var sample = DatasetSampling.Sample(Data(), 50, balanced: true, seed: 2);
        Assert.Equal((50, 25), (sample.Count, sample.Positives));
        var all = DatasetSampling.Sample(Data(), null, balanced: true, seed: 2);
        Assert.Equal((60, 30), (all.Count, all.Positives));
    }

    [Fact]
    public void Same_seed_same_subset_other_seed_another()
    {
        var a = DatasetSampling.Sample(Data(), 30, false, 7).Examples.Select(Index).ToArray();
        var b = DatasetSampling.Sample(Data(), 30, false, 7).Examples.Select(Index).ToArray();
        var c = DatasetSampling.Sample(Data(), 30, false, 8).Examples.Select(Index).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Asking_for_more_of_a_class_than_exists_names_the_shortfall()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetSampling.Sample(Data(), 80, balanced: true, seed: 0));
        Assert.Contains("40 positives", e.Message);
        Assert.Contains("30", e.Message);
        var bad = new LabeledDataset("x", [new LabeledText("a", 2)], "label 1", []);
        Assert.Contains("label 2", Assert.Throws<ArgumentException>(() => DatasetSampling.Sample(bad, 1, false, 0)).Message);
    }

    [Fact]
    public void Written_jsonl_reads_back_unchanged()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pm-sampling-{Guid.NewGuid():N}.jsonl");
        try
        {
            var data = new LabeledDataset("w", [new LabeledText("<start_of_turn>user\n\"quoted\" café\t✓<end_of_turn>\n", 1, "g"), new LabeledText("plain", 0)], "label 1", []);
            Assert.Equal(2, LabeledTextFile.WriteJsonl(data, path));
            var back = LabeledTextFile.LoadJsonl(path, groupField: "group");
            Assert.Equal(data.Examples, back.Examples);
            Assert.Equal(2, File.ReadAllLines(path).Length);
            Assert.Contains("<start_of_turn>", File.ReadAllText(path)); // readable, not \u003C-escaped
        }
        finally
        {
            File.Delete(path);
        }
    }
}
