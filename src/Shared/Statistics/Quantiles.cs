namespace ProbeMonitor.Statistics;

/// <summary>Sample quantiles with linear interpolation between order statistics, numpy.quantile's default ("linear", Hyndman–Fan type 7).</summary>
/// <remarks>
/// For sorted x of length n, the q-quantile sits at virtual index h = (n − 1)·q: x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
/// The interpolation is evaluated from the nearer end as numpy does, so results agree with it to the last bit.
/// </remarks>
public static class Quantiles
{
    /// <summary>The q-quantile of unsorted values (copied and sorted; the input is untouched).</summary>
    public static double Linear(ReadOnlySpan<double> values, double q)
    {
        var sorted = SortedCopy(values);
        return LinearSorted(sorted, q);
    }

    /// <summary>Several quantiles of unsorted values with one sort.</summary>
    public static double[] Linear(ReadOnlySpan<double> values, ReadOnlySpan<double> qs)
    {
        var sorted = SortedCopy(values);
        var result = new double[qs.Length];
        for (int i = 0; i < qs.Length; i++) result[i] = LinearSorted(sorted, qs[i]);
        return result;
    }

    /// <summary>The q-quantile of float values.</summary>
    public static double Linear(ReadOnlySpan<float> values, double q) => Linear(StatisticsArguments.Widen(values), q);

    /// <summary>The q-quantile of values already sorted ascending (not checked, for speed in loops).</summary>
    public static double LinearSorted(ReadOnlySpan<double> sorted, double q)
    {
        StatisticsArguments.NotEmpty(sorted.Length, nameof(sorted));
        StatisticsArguments.Probability(q, nameof(q));
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double gamma = h - lo;
        double a = sorted[lo], b = sorted[hi];
        double diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }

    private static double[] SortedCopy(ReadOnlySpan<double> values)
    {
        StatisticsArguments.NotEmpty(values.Length, nameof(values));
        StatisticsArguments.NoNaN(values, nameof(values));
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
