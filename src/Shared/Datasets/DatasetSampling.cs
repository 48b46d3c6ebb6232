namespace ProbeMonitor.Datasets;

/// <summary>Seeded subsets of a labelled dataset: a stratified or balanced draw, and a disjoint train/test split.</summary>
/// <remarks>
/// Every draw shuffles each class's indices with <c>new Random(seed)</c> (class 0 first, then class 1) and takes from the
/// front, so the same seed always gives the same subset. A stratified draw keeps the dataset's positive share (the
/// positive count rounded half away from zero); a balanced draw takes ⌊n/2⌋ positives and the rest negatives. Chosen
/// examples keep their file order, so a subset of a subset is still in file order.
/// </remarks>
public static class DatasetSampling
{
    /// <summary>A split into a test part and a training part drawn from what the test part left.</summary>
    /// <param name="Train">The training examples, in file order.</param>
    /// <param name="Test">The test examples, in file order; empty when no test part was asked for.</param>
    public sealed record Split(LabeledDataset Train, LabeledDataset Test);

    /// <summary>
    /// Draws <paramref name="testCount"/> test examples, then up to <paramref name="trainCount"/> training examples from the
    /// rest (null: all of the rest); both stratified, or both balanced when <paramref name="balanced"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A count is negative, or more examples (of a class, when balanced) are asked for than exist.</exception>
    public static Split TrainTest(LabeledDataset data, int? trainCount, int testCount, bool balanced, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (testCount < 0) throw new ArgumentOutOfRangeException(nameof(testCount), $"the test count must be ≥ 0, got {testCount}.");
        if (trainCount is < 0) throw new ArgumentOutOfRangeException(nameof(trainCount), $"the train count must be ≥ 0, got {trainCount}.");
        var rng = new Random(seed);
        var negatives = Shuffled(data, 0, rng);
        var positives = Shuffled(data, 1, rng);
        var test = Take(data, negatives, positives, testCount, balanced, "test");
        var train = Take(data, negatives, positives, trainCount ?? negatives.Count + positives.Count, balanced && trainCount is not null, "train");
        return new Split(Subset(data, train, "train"), Subset(data, test, "test"));
    }

    /// <summary>Up to <paramref name="count"/> examples (null: all), stratified or balanced; the name and sources are kept.</summary>
    public static LabeledDataset Sample(LabeledDataset data, int? count, bool balanced, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (count is null && !balanced) return data;
        if (count is < 0) throw new ArgumentOutOfRangeException(nameof(count), $"the count must be ≥ 0, got {count}.");
        var rng = new Random(seed);
        var negatives = Shuffled(data, 0, rng);
        var positives = Shuffled(data, 1, rng);
        int n = count ?? 2 * Math.Min(negatives.Count, positives.Count);
        return Subset(data, Take(data, negatives, positives, n, balanced, "sample"), null);
    }

    private static List<int> Shuffled(LabeledDataset data, int label, Random rng)
    {
        var indices = new List<int>();
        for (int i = 0; i < data.Count; i++)
        {
            int l = data.Examples[i].Label;
            if (l is not (0 or 1)) throw new ArgumentException($"dataset '{data.Name}': example {i} has label {l}; labels must be 0 or 1.", nameof(data));
            if (l == label) indices.Add(i);
        }
        var array = indices.ToArray();
        rng.Shuffle(array);
        return [.. array];
    }

    /// <summary>Removes the chosen indices from the front of the two pools and returns them.</summary>
    private static List<int> Take(LabeledDataset data, List<int> negatives, List<int> positives, int count, bool balanced, string part)
    {
        int available = negatives.Count + positives.Count;
        int pos, neg;
        if (balanced)
        {
            pos = count / 2;
            neg = count - pos;
            if (pos > positives.Count || neg > negatives.Count)
                throw new ArgumentException($"dataset '{data.Name}': a balanced {part} part of {count} needs {neg} negatives and {pos} positives; " +
                    $"{negatives.Count} and {positives.Count} are left.");
        }
        else
        {
            count = Math.Min(count, available);
            pos = available == 0 ? 0 : (int)Math.Round((double)count * positives.Count / available, MidpointRounding.AwayFromZero);
            pos = Math.Min(pos, positives.Count);
            neg = Math.Min(count - pos, negatives.Count);
            pos = count - neg;
        }
        var chosen = new List<int>(pos + neg);
        chosen.AddRange(negatives.Take(neg));
        chosen.AddRange(positives.Take(pos));
        negatives.RemoveRange(0, neg);
        positives.RemoveRange(0, pos);
        chosen.Sort();
        return chosen;
    }

    private static LabeledDataset Subset(LabeledDataset data, List<int> indices, string? part) =>
        data with
        {
            Name = part is null ? data.Name : $"{data.Name}/{part}",
            Examples = indices.Select(i => data.Examples[i]).ToList(),
        };
}
