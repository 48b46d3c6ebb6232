namespace ProbeMonitor.Estimators;

/// <summary>
/// Per-feature bin thresholds from training quantiles: a value x falls in bin b when thresholds[b − 1] &lt; x ≤ thresholds[b],
/// so a split "bin ≤ b" is the raw-value test x ≤ thresholds[b] used at prediction time.
/// </summary>
/// <param name="Thresholds">For each feature, the ascending thresholds (at most MaxBins − 1; midpoints between distinct training values).</param>
public sealed record FeatureBinning(float[][] Thresholds)
{
    /// <summary>Number of features.</summary>
    public int Features => Thresholds.Length;

    /// <summary>Chooses thresholds: every midpoint between consecutive distinct values when there are few, else midpoints at evenly spaced quantiles.</summary>
    public static FeatureBinning Fit(ReadOnlySpan<float> x, int rows, int features, int maxBins)
    {
        var thresholds = new float[features][];
        var column = new float[rows];
        for (int f = 0; f < features; f++)
        {
            for (int i = 0; i < rows; i++) column[i] = x[i * features + f];
            Array.Sort(column);
            var distinct = new List<float>();
            foreach (var v in column)
                if (distinct.Count == 0 || v != distinct[^1]) distinct.Add(v);
            var t = new List<float>();
            if (distinct.Count <= maxBins)
            {
                for (int k = 0; k + 1 < distinct.Count; k++) t.Add(Midpoint(distinct[k], distinct[k + 1]));
            }
            else
            {
                for (int b = 1; b < maxBins; b++)
                {
                    int pos = (int)((long)b * (rows - 1) / maxBins);
                    float lo = column[pos], hi = column[Math.Min(rows - 1, pos + 1)];
                    float cut = lo == hi ? lo : Midpoint(lo, hi);
                    if (t.Count == 0 || cut > t[^1]) t.Add(cut);
                }
            }
            thresholds[f] = t.ToArray();
        }
        return new FeatureBinning(thresholds);
    }

    /// <summary>The bin of value v for feature f: the number of thresholds strictly below v.</summary>
    public byte Bin(int f, float v)
    {
        var t = Thresholds[f];
        int lo = 0, hi = t.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (t[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return (byte)lo;
    }

    /// <summary>Bins every value, column-major [features, rows] so one feature's bins are contiguous for histogram building.</summary>
    public byte[] BinColumns(ReadOnlySpan<float> x, int rows)
    {
        var bins = new byte[(long)Features * rows];
        for (int i = 0; i < rows; i++)
            for (int f = 0; f < Features; f++) bins[(long)f * rows + i] = Bin(f, x[i * Features + f]);
        return bins;
    }

    private static float Midpoint(float a, float b)
    {
        float m = (float)((a + (double)b) / 2);
        // Rounding can land the midpoint on b; the threshold must separate a (≤) from b (>).
        return m >= b ? a : m;
    }
}
