namespace ProbeMonitor.Statistics.Drift;

/// <summary>Kolmogorov–Smirnov statistics: two samples, a sample against a CDF, and the streaming cases against a reference histogram.</summary>
/// <remarks>
/// Two-sample p-values follow scipy.stats.ks_2samp(method='asymp'): with effective size n_e = n₁n₂/(n₁ + n₂),
/// p = P(D_m ≥ D) for the exact one-sample law at m = round(n_e) (<see cref="KolmogorovDistribution.Survival"/>), which
/// is close to, and for small samples better than, the limiting form P(K ≥ √n_e·D).
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>D = sup_x |F₁(x) − F₂(x)| of the two empirical CDFs (ties handled exactly).</summary>
    public static double TwoSampleStatistic(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var a = SortedCopy(first, nameof(first));
        var b = SortedCopy(second, nameof(second));
        double n1 = a.Length, n2 = b.Length, d = 0;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] == x) i++;
            while (j < b.Length && b[j] == x) j++;
            d = Math.Max(d, Math.Abs(i / n1 - j / n2));
        }
        // Once one sample is exhausted the gap only shrinks toward 0, except the one step already counted.
        return d;
    }

    /// <summary>Two-sample test: D and the asymptotic p-value of scipy.stats.ks_2samp(method='asymp').</summary>
    public static KsTestResult TwoSample(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        double d = TwoSampleStatistic(first, second);
        return new KsTestResult(d, TwoSamplePValue(d, first.Length, second.Length));
    }

    /// <summary>Two-sample test on float samples.</summary>
    public static KsTestResult TwoSample(ReadOnlySpan<float> first, ReadOnlySpan<float> second) =>
        TwoSample(StatisticsArguments.Widen(first), StatisticsArguments.Widen(second));

    /// <summary>The two-sample p-value of a statistic D for sample sizes n₁ and n₂.</summary>
    public static double TwoSamplePValue(double statistic, long firstCount, long secondCount)
    {
        if (firstCount < 1 || secondCount < 1)
            throw new ArgumentOutOfRangeException(nameof(firstCount), $"both sample sizes must be positive, got {firstCount} and {secondCount}.");
        double effective = (double)firstCount * secondCount / ((double)firstCount + secondCount);
        int m = (int)Math.Min(int.MaxValue, Math.Max(1, Math.Round(effective, MidpointRounding.ToEven)));
        return KolmogorovDistribution.Survival(m, statistic);
    }

    /// <summary>One-sample test against a continuous CDF: D and the exact p-value P(D_n ≥ D) (scipy.stats.kstest(method='exact')).</summary>
    public static KsTestResult OneSample(ReadOnlySpan<double> sample, Func<double, double> cdf)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        var x = SortedCopy(sample, nameof(sample));
        double d = OneSampleStatistic(x, cdf, cdf);
        return new KsTestResult(d, KolmogorovDistribution.Survival(x.Length, d));
    }

    /// <summary>
    /// A sample against a reference histogram read as a distribution (see <see cref="HistogramCounts"/>): D is exact for
    /// that piecewise-linear CDF. The reference is itself a sample of <see cref="HistogramCounts.Total"/> values, so the
    /// p-value uses the two-sample effective size; it tends to the one-sample p-value as the reference grows.
    /// </summary>
    public static KsTestResult AgainstHistogram(HistogramCounts reference, ReadOnlySpan<double> sample)
    {
        ArgumentNullException.ThrowIfNull(reference);
        reference.RequireNonEmpty();
        var x = SortedCopy(sample, nameof(sample));
        var model = new HistogramCdf(reference);
        double d = OneSampleStatistic(x, model.Right, model.Left);
        return new KsTestResult(d, TwoSamplePValue(d, reference.Total, x.Length));
    }

    /// <summary>
    /// Two histograms over the same edges, both read as distributions: their CDF gap is linear inside each bin, so D is the
    /// largest gap at an edge. Binning hides gaps inside bins, so D never exceeds the raw two-sample D and the p-value
    /// (same effective-size rule) errs on the side of "no drift".
    /// </summary>
    public static KsTestResult BetweenHistograms(HistogramCounts reference, HistogramCounts current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        reference.RequireSameEdges(current, nameof(current));
        reference.RequireNonEmpty();
        current.RequireNonEmpty();
        var r = reference.Counts;
        var c = current.Counts;
        double nr = reference.Total, nc = current.Total, d = 0;
        long cumR = 0, cumC = 0;
        for (int i = 0; i < r.Length - 1; i++)
        {
            cumR += r[i];
            cumC += c[i];
            d = Math.Max(d, Math.Abs(cumR / nr - cumC / nc));
        }
        return new KsTestResult(d, TwoSamplePValue(d, reference.Total, current.Total));
    }

    /// <summary>max over sorted x of i/n − F(x_i) and F(x_i⁻) − (i − 1)/n; the left limit matters only where F jumps.</summary>
    private static double OneSampleStatistic(double[] sorted, Func<double, double> cdf, Func<double, double> cdfLeft)
    {
        double n = sorted.Length, d = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = cdf(sorted[i]);
            double fLeft = ReferenceEquals(cdf, cdfLeft) ? f : cdfLeft(sorted[i]);
            if (double.IsNaN(f) || double.IsNaN(fLeft)) throw new ArgumentException($"the CDF returned NaN at {sorted[i]}.", nameof(cdf));
            d = Math.Max(d, Math.Max((i + 1) / n - f, fLeft - i / n));
        }
        return d;
    }

    private static double[] SortedCopy(ReadOnlySpan<double> values, string name)
    {
        StatisticsArguments.NotEmpty(values.Length, name);
        StatisticsArguments.NoNaN(values, name);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
