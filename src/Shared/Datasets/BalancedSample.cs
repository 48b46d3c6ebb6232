namespace ProbeMonitor.Datasets;

/// <summary>A class-balanced, seeded subsample of a binary dataset, kept in the dataset's own order.</summary>
public static class BalancedSample
{
    /// <summary>
    /// Draws <paramref name="count"/>/2 examples of each label (a seeded Fisher–Yates shuffle per class, then the first ones),
    /// and returns them in their original order; the description says what was drawn.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> is odd or not positive, or a class has fewer than half of it.</exception>
    public static LabeledDataset Take(LabeledDataset data, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (count <= 0 || count % 2 != 0) throw new ArgumentException($"a balanced sample needs a positive even size, got {count}.", nameof(count));
        int half = count / 2;
        var chosen = new List<int>(count);
        var random = new Random(seed);
        foreach (int label in (int[])[0, 1])
        {
            var indices = Enumerable.Range(0, data.Count).Where(i => data.Examples[i].Label == label).ToArray();
            if (indices.Length < half)
                throw new ArgumentException($"{data.Name} has {indices.Length} examples of label {label}; a balanced sample of {count} needs {half}.", nameof(count));
            for (int i = indices.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (indices[i], indices[j]) = (indices[j], indices[i]);
            }
            chosen.AddRange(indices.Take(half));
        }
        chosen.Sort();
        return data with
        {
            Examples = chosen.Select(i => data.Examples[i]).ToList(),
            Description = $"{data.Description} Balanced sample: {half} of each label from {data.Count} (seed {seed}).",
        };
    }
}
