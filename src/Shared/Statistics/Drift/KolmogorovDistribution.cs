namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// Distributions of Kolmogorov–Smirnov statistics: the exact two-sided D_n of a sample of size n (scipy.stats.kstwo),
/// its limit √n·D_n → K (scipy.stats.kstwobign, scipy.special.kolmogorov) and the one-sided D_n⁺ (scipy.special.smirnov).
/// </summary>
/// <remarks>
/// D_n is computed by the method Simard and L'Ecuyer (2011, J. Stat. Softw. 39(11)) recommend for each region of (n, d),
/// with the region boundaries SciPy uses, so p-values agree with SciPy to many digits: Ruben–Gambino closed forms at the
/// extremes, Durbin's matrix (Marsaglia–Tsang–Wang 2003) or Pomeranz's recursion (1974) for the exact body,
/// 2·P(D_n⁺ ≥ d) (Birnbaum–Tingey / Smirnov) for the upper tail, and the Pelz–Good (1976) expansion for large n.
/// </remarks>
public static class KolmogorovDistribution
{
    private const double MinLog = -745.1332191019412; // ln of the smallest subnormal double

    /// <summary>P(D_n ≥ d), the two-sided one-sample p-value of a sample of size n.</summary>
    public static double Survival(int n, double d) => Evaluate(n, d, survival: true);

    /// <summary>P(D_n ≤ d).</summary>
    public static double Cdf(int n, double d) => Evaluate(n, d, survival: false);

    /// <summary>P(K ≥ z) for Kolmogorov's limiting distribution, the large-n law of √n·D_n.</summary>
    public static double LimitingSurvival(double z) => Limiting(z, survival: true);

    /// <summary>P(K ≤ z) for Kolmogorov's limiting distribution.</summary>
    public static double LimitingCdf(double z) => Limiting(z, survival: false);

    /// <summary>P(D_n⁺ ≥ d) for the one-sided statistic, by the Birnbaum–Tingey sum (asymptotic beyond n = 10⁶, as SciPy).</summary>
    public static double SmirnovSurvival(int n, double d)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "the sample size must be at least 1.");
        if (double.IsNaN(d)) return double.NaN;
        if (d <= 0) return 1;
        if (d >= 1) return 0;
        if (n == 1) return 1 - d;
        double nd = n * d;
        if (nd <= 1) return 1 - d * Math.Pow(1 + d, n - 1);
        if (-2 * n * d * d < MinLog) return 0;
        if (nd >= n - 1) return Math.Pow(1 - d, n);
        if (n > 1_000_000)
        {
            double z = 6.0 * n * d + 1;
            return Math.Exp(-z * z / 18.0 / n);
        }
        // d·Σ_j C(n, j) (d + j/n)^(j−1) (1 − d − j/n)^(n−j); every term is positive, so summing in log space loses nothing.
        double ndLow = Math.FusedMultiplyAdd(n, d, -nd);
        double logBinomial = 0, sum = 0, compensation = 0, largest = double.NegativeInfinity;
        for (int j = 0; j <= n; j++)
        {
            if (j > 0) logBinomial += Math.Log(n - j + 1) - Math.Log(j);
            double rest = ((n - j) - nd - ndLow) / n; // 1 − d − j/n without the cancellation of forming d + j/n first
            if (rest <= 0) break;
            double logTerm = logBinomial + (j - 1) * Math.Log(d + (double)j / n) + (n - j) * Math.Log(rest);
            double term = Math.Exp(logTerm);
            double y = term - compensation;
            double t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
            if (logTerm > largest) largest = logTerm;
            else if (logTerm < largest - 45 && term < sum * 1e-20) break; // past the peak and negligible
        }
        return Math.Clamp(d * sum, 0, 1);
    }

    private static double Evaluate(int n, double d, bool survival)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "the sample size must be at least 1.");
        if (double.IsNaN(d)) return double.NaN;
        if (d >= 1) return survival ? 0 : 1;
        if (d <= 0) return survival ? 1 : 0;
        double t = n * d;
        if (t <= 1)
        {
            if (t <= 0.5) return survival ? 1 : 0;
            // Ruben–Gambino: P(D_n ≤ d) = n!/n^n · (2t − 1)^n for 1/(2n) < d ≤ 1/n.
            double logCdf = n * Math.Log(2 * t - 1);
            for (int i = 1; i <= n; i++) logCdf += Math.Log((double)i / n);
            double cdf = Math.Exp(logCdf);
            return Pick(cdf, 1 - cdf, survival);
        }
        if (t >= n - 1)
        {
            double sf = 2 * Math.Pow(1 - d, n);
            return Pick(1 - sf, sf, survival);
        }
        if (d >= 0.5) return FromUpperTail(2 * SmirnovSurvival(n, d), survival);
        double nd2 = t * d;
        if (n <= 140)
        {
            if (nd2 <= 0.754693) return FromCdf(KolmogorovExact.DurbinMatrixCdf(n, d), survival);
            if (nd2 <= 4) return FromCdf(KolmogorovExact.PomeranzCdf(n, d), survival);
            return FromUpperTail(2 * SmirnovSurvival(n, d), survival);
        }
        if (survival)
        {
            if (nd2 >= 370) return 0;
            if (nd2 >= 2.2) return Math.Clamp(2 * SmirnovSurvival(n, d), 0, 1);
        }
        double lower;
        if (nd2 >= 18) lower = 1;
        else if (n <= 100_000 && n * Math.Pow(d, 1.5) <= 1.4) lower = KolmogorovExact.DurbinMatrixCdf(n, d);
        else lower = PelzGood.Cdf(n, d);
        return FromCdf(lower, survival);
    }

    private static double FromCdf(double cdf, bool survival) => Pick(cdf, 1 - cdf, survival);

    private static double FromUpperTail(double sf, bool survival) => Pick(1 - sf, sf, survival);

    private static double Pick(double cdf, double sf, bool survival) => Math.Clamp(survival ? sf : cdf, 0, 1);

    private static double Limiting(double z, bool survival)
    {
        if (double.IsNaN(z)) return double.NaN;
        // Below this the lower-tail series underflows: K(z) is 0 to double precision.
        if (z <= Math.PI / Math.Sqrt(8 * 746.0)) return survival ? 1 : 0;
        if (z <= 0.82)
        {
            // Jacobi-theta form, fast for small z: K(z) = √(2π)/z · Σ_k exp(−(2k−1)²π²/(8z²)).
            double a = -Math.PI * Math.PI / (8 * z * z);
            double sum = 0;
            for (int k = 1; k < 50; k++)
            {
                double term = Math.Exp(a * (2 * k - 1) * (2 * k - 1));
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            double cdf = Math.Sqrt(2 * Math.PI) / z * sum;
            return Pick(cdf, 1 - cdf, survival);
        }
        // Kolmogorov's alternating series, fast for large z: 1 − K(z) = 2 Σ_k (−1)^(k−1) exp(−2k²z²).
        double sf = 0;
        for (int k = 1; k < 50; k++)
        {
            double term = Math.Exp(-2.0 * k * k * z * z);
            sf += (k % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-17 * Math.Abs(sf)) break;
        }
        return Pick(1 - sf, sf, survival);
    }
}
