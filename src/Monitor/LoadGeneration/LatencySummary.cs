using System.Diagnostics;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Count, mean and nearest-rank percentiles of a set of latencies, in microseconds.</summary>
public sealed record LatencySummary(long Count, double MeanUs, double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs)
{
    /// <summary>The summary of no samples: every statistic NaN.</summary>
    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Summarises latencies given in <see cref="Stopwatch"/> ticks; sorts <paramref name="ticks"/> in place.</summary>
    public static LatencySummary FromTicks(long[] ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        if (ticks.Length == 0) return Empty;
        Array.Sort(ticks);
        double sum = 0;
        foreach (long t in ticks) sum += t;
        double us = 1e6 / Stopwatch.Frequency;
        return new LatencySummary(ticks.Length, sum / ticks.Length * us,
            NearestRank(ticks, 500, 1000) * us, NearestRank(ticks, 900, 1000) * us, NearestRank(ticks, 990, 1000) * us,
            NearestRank(ticks, 999, 1000) * us, ticks[^1] * us);
    }

    /// <summary>The nearest-rank percentile of sorted samples: the smallest sample with at least
    /// <paramref name="numerator"/>/<paramref name="denominator"/> of all samples at or below it.</summary>
    /// <remarks>Integer arithmetic (rank = ⌈n·num/den⌉), so p99.9 of 1,000 samples is the 999th, not a rounding accident away.
    /// A reported value is always one that was measured; no interpolation.</remarks>
    public static long NearestRank(ReadOnlySpan<long> sorted, long numerator, long denominator)
    {
        if (sorted.IsEmpty) throw new ArgumentException("no samples.", nameof(sorted));
        if (denominator < 1 || numerator < 0 || numerator > denominator)
            throw new ArgumentOutOfRangeException(nameof(numerator), $"the quantile {numerator}/{denominator} is not in [0, 1].");
        long rank = (sorted.Length * numerator + denominator - 1) / denominator;
        return sorted[(int)Math.Max(rank, 1) - 1];
    }
}
