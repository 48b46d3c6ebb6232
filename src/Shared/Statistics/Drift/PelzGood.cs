namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// The Pelz–Good (1976) expansion of P(D_n ≤ d) in powers of n^(−1/2), with each term rewritten through Jacobi's theta
/// identity so it converges fast for small z = √n·d: K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^(3/2).
/// Accurate to several digits for n above a few hundred, where the exact methods become expensive.
/// </summary>
internal static class PelzGood
{
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private const double Pi2 = Math.PI * Math.PI;
    private const double Pi4 = Pi2 * Pi2;
    private const double Pi6 = Pi4 * Pi2;

    public static double Cdf(int n, double d)
    {
        if (d <= 0) return 0;
        if (d >= 1) return 1;
        double z = Math.Sqrt(n) * d;
        double z2 = z * z, z4 = z2 * z2, z6 = z4 * z2, z8 = z4 * z4;
        double logQ = -Pi2 / 8 / z2;
        if (logQ < -708) return 0;
        int terms = (int)Math.Ceiling(16 * z / Math.PI);

        // Sums over odd m = 2k − 1 of polynomial(m²) · exp(−m²π²/(8z²)).
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int k = terms; k >= 1; k--)
        {
            double m = 2 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            double e = Math.Exp(logQ * m2);
            s0 += e;
            s1 += (Pi2 * m2 / 4 - z2) * e;
            s2 += (6 * z6 + 2 * z4 + (2 * z4 - 5 * z2) * Pi2 * m2 / 4 + Pi4 * (1 - 2 * z2) * m4 / 16) * e;
            s3 += (-30 * z6 - 90 * z8 + Pi2 * (135 * z4 - 96 * z6) * m2 / 4 + Pi4 * (-60 * z2 + 212 * z4) * m4 / 16
                   + Pi6 * (5 - 30 * z2) * m6 / 64) * e;
        }
        // Sums over all k ≥ 1 of k²-weighted exp(−k²π²/(2z²)), the extra pieces of K₂ and K₃.
        double r2 = 0, r3 = 0;
        for (int k = terms; k >= 1; k--)
        {
            double k2 = (double)k * k;
            double e = Math.Exp(-Pi2 * k2 / 2 / z2);
            r2 += k2 * e;
            r3 += (3 * z2 - Pi2 * k2) * k2 * e;
        }
        double k0 = Sqrt2Pi / z * s0;
        double k1 = Sqrt2Pi / (6 * z4) * s1;
        double k2Term = Sqrt2Pi / (72 * z6 * z) * s2 - Pi2 * Sqrt2Pi / (36 * z2 * z) * r2;
        double k3 = Sqrt2Pi / (6480 * z8 * z2) * s3 + Pi2 * Sqrt2Pi / (216 * z6) * r3;
        double rootN = Math.Sqrt(n);
        return k0 + k1 / rootN + k2Term / n + k3 / (n * rootN);
    }
}
