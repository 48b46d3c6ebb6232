namespace ProbeMonitor.Statistics;

/// <summary>A statistic of paired scores and 0/1 labels, such as ROC-AUC; return NaN where it is undefined on a resample.</summary>
public delegate double PairedStatistic(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels);

/// <summary>A statistic of one sample, such as the mean.</summary>
public delegate double SampleStatistic(ReadOnlySpan<double> values);

/// <summary>Seeded percentile-bootstrap confidence intervals, generic over the statistic.</summary>
/// <remarks>
/// Each resample draws n indices uniformly with replacement from <see cref="Random"/>(seed), or, stratified, draws the
/// positives from the positives and the negatives from the negatives. The interval is the pair of percentiles of the
/// replicates (linear interpolation, as numpy.quantile). Buffers are allocated once and reused across resamples;
/// the statistic must not keep the spans it is given.
/// </remarks>
public static class Bootstrap
{
    /// <summary>Interval for a statistic of scores and labels.</summary>
    public static BootstrapInterval Interval(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, PairedStatistic statistic, BootstrapOptions? options = null)
    {
        options ??= new BootstrapOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(statistic);
        StatisticsArguments.SameLength(scores.Length, labels.Length, nameof(scores), nameof(labels));
        StatisticsArguments.NotEmpty(scores.Length, nameof(scores));
        int[] positives = [], negatives = [];
        if (options.Stratified)
        {
            StatisticsArguments.CountBinary(labels);
            var pos = new List<int>();
            var neg = new List<int>();
            for (int i = 0; i < labels.Length; i++) (labels[i] == 1 ? pos : neg).Add(i);
            positives = pos.ToArray();
            negatives = neg.ToArray();
        }
        double estimate = statistic(scores, labels);
        var rng = new Random(options.Seed);
        var s = new double[scores.Length];
        var y = new int[scores.Length];
        var replicates = new List<double>(options.Resamples);
        int rejected = 0;
        for (int r = 0; r < options.Resamples; r++)
        {
            if (options.Stratified)
            {
                int k = 0;
                foreach (var group in (ReadOnlySpan<int[]>)[positives, negatives])
                    for (int i = 0; i < group.Length; i++, k++)
                    {
                        int j = group[rng.Next(group.Length)];
                        s[k] = scores[j];
                        y[k] = labels[j];
                    }
            }
            else
            {
                for (int i = 0; i < s.Length; i++)
                {
                    int j = rng.Next(s.Length);
                    s[i] = scores[j];
                    y[i] = labels[j];
                }
            }
            Record(statistic(s, y), replicates, ref rejected);
        }
        return Finish(estimate, replicates, rejected, options);
    }

    /// <summary>Interval for a statistic of one sample.</summary>
    public static BootstrapInterval Interval(ReadOnlySpan<double> values, SampleStatistic statistic, BootstrapOptions? options = null)
    {
        options ??= new BootstrapOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(statistic);
        StatisticsArguments.NotEmpty(values.Length, nameof(values));
        if (options.Stratified) throw new ArgumentException("a one-sample bootstrap has no classes to stratify by.", nameof(options));
        double estimate = statistic(values);
        var rng = new Random(options.Seed);
        var buffer = new double[values.Length];
        var replicates = new List<double>(options.Resamples);
        int rejected = 0;
        for (int r = 0; r < options.Resamples; r++)
        {
            for (int i = 0; i < buffer.Length; i++) buffer[i] = values[rng.Next(buffer.Length)];
            Record(statistic(buffer), replicates, ref rejected);
        }
        return Finish(estimate, replicates, rejected, options);
    }

    /// <summary>Interval for ROC-AUC, stratified unless the options say otherwise (unstratified one-class resamples are rejected).</summary>
    public static BootstrapInterval RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, BootstrapOptions? options = null) =>
        Interval(scores, labels, static (s, y) => Roc.TryRocAuc(s, y, out var auc) ? auc : double.NaN,
            options ?? new BootstrapOptions(Stratified: true));

    private static void Record(double value, List<double> replicates, ref int rejected)
    {
        if (double.IsNaN(value)) rejected++;
        else replicates.Add(value);
    }

    private static BootstrapInterval Finish(double estimate, List<double> replicates, int rejected, BootstrapOptions options)
    {
        if (replicates.Count == 0)
            throw new InvalidOperationException($"all {options.Resamples} bootstrap resamples gave NaN; the statistic is undefined on this data (stratify?).");
        var sorted = replicates.ToArray();
        Array.Sort(sorted);
        double alpha = 1 - options.Confidence;
        double lower = Quantiles.LinearSorted(sorted, alpha / 2);
        double upper = Quantiles.LinearSorted(sorted, 1 - alpha / 2);
        return new BootstrapInterval(estimate, lower, upper, options.Confidence, sorted, rejected);
    }
}
