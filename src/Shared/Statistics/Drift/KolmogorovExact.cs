namespace ProbeMonitor.Statistics.Drift;

/// <summary>Exact P(D_n &lt; d) for the two-sided one-sample statistic by Durbin's matrix and by Pomeranz's recursion.</summary>
internal static class KolmogorovExact
{
    private const int ScaleBits = 256;
    private static readonly double ScaleUp = Math.ScaleB(1.0, ScaleBits);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -ScaleBits);

    /// <summary>
    /// Durbin (1968) as arranged by Marsaglia, Tsang and Wang (2003): with nd = k − h (k integer, 0 ≤ h &lt; 1) and an
    /// m × m matrix H, m = 2k − 1, P(D_n &lt; d) = n!/nⁿ · (Hⁿ)[k−1, k−1]. Cost O(m³ log n); fine while k is small.
    /// Powers are rescaled by 2^±256 with the exponent tracked apart, so nothing overflows.
    /// </summary>
    public static double DurbinMatrixCdf(int n, double d)
    {
        if (d >= 1) return 1;
        double nd = n * d;
        if (nd <= 0.5) return 0;
        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        var inverseFactorial = new double[m + 1];
        inverseFactorial[0] = 1;
        for (int i = 1; i <= m; i++) inverseFactorial[i] = inverseFactorial[i - 1] / i;

        var H = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= Math.Min(i + 1, m - 1); j++)
                H[i * m + j] = 1;
        for (int i = 0; i < m; i++)
        {
            H[i * m] -= Math.Pow(h, i + 1);
            H[(m - 1) * m + i] -= Math.Pow(h, m - i);
        }
        if (2 * h - 1 > 0) H[(m - 1) * m] += Math.Pow(2 * h - 1, m);
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= Math.Min(i + 1, m - 1); j++)
                H[i * m + j] *= inverseFactorial[i - j + 1];

        var power = Identity(m);
        int powerExponent = 0, baseExponent = 0;
        var scratch = new double[m * m];
        for (int e = n; e > 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                Multiply(power, H, scratch, m);
                (power, scratch) = (scratch, power);
                powerExponent += baseExponent;
                powerExponent += Rescale(power);
            }
            if (e > 1)
            {
                Multiply(H, H, scratch, m);
                (H, scratch) = (scratch, H);
                baseExponent *= 2;
                baseExponent += Rescale(H);
            }
        }
        double p = power[(k - 1) * m + (k - 1)];
        for (int i = 1; i <= n; i++)
        {
            p = p * i / n;
            if (Math.Abs(p) < ScaleDown)
            {
                p *= ScaleUp;
                powerExponent -= ScaleBits;
            }
        }
        return Math.Clamp(Math.ScaleB(p, powerExponent), 0, 1);
    }

    /// <summary>
    /// Pomeranz (1974) in the form of Simard and L'Ecuyer (2011): with t = nd, the counts N(s) of the n points scaled to
    /// [0, n] must satisfy s − t &lt; N(s) &lt; s + t. The allowed window only changes where s ± t crosses an integer, at the
    /// breakpoints 0, g, 1 − g, 1 + g, 2 − g, …, n − g, n (g = min(f, 1 − f), f = frac t). Between breakpoints the counts
    /// grow by Poisson-like steps, so one row per breakpoint carries the probabilities, and
    /// P(D_n &lt; d) = n!/nⁿ · V_last[n]. Window ends are found in integer arithmetic, never by rounding s ± t.
    /// Intended for n ≤ 140, where the rows stay within double range unscaled.
    /// </summary>
    public static double PomeranzCdf(int n, double d)
    {
        double t = n * d;
        int whole = (int)Math.Floor(t);
        double f = t - whole;
        double g = Math.Min(f, 1 - f);
        // (floor(δ − f), ceil(δ + f)) for a breakpoint a + δ with δ ∈ {0, g, 1 − g}.
        (int Floor, int Ceil) zero, atG, atOneMinusG;
        if (f == 0) (zero, atG, atOneMinusG) = ((0, 0), (0, 0), (1, 1));
        else if (f <= 0.5) (zero, atG, atOneMinusG) = ((-1, 1), (0, 1), (0, 1));
        else (zero, atG, atOneMinusG) = ((-1, 1), (-1, 1), (0, 2));

        int points = 2 * n + 2;
        var lo = new int[points];
        var hi = new int[points];
        for (int i = 0; i < points; i++)
        {
            int a;
            (int Floor, int Ceil) offsets;
            if (i == 0) (a, offsets) = (0, zero);
            else if (i == points - 1) (a, offsets) = (n, zero);
            else if (i % 2 == 1) (a, offsets) = ((i - 1) / 2, atG);
            else (a, offsets) = ((i - 2) / 2, atOneMinusG);
            lo[i] = Math.Max(0, a - whole + offsets.Floor + 1);
            hi[i] = Math.Min(n, a + whole + offsets.Ceil - 1);
        }

        var weightsG = PoissonWeights(g, n);
        var weights2G = PoissonWeights(2 * g, n);
        var weights1m2G = PoissonWeights(1 - 2 * g, n);
        var previous = new double[n + 1];
        var current = new double[n + 1];
        previous[0] = 1;
        for (int i = 1; i < points; i++)
        {
            // Steps run g, 1 − 2g, 2g, 1 − 2g, …, 2g, 1 − 2g, g: odd points follow a 2g step, even ones a 1 − 2g step.
            var w = i == 1 || i == points - 1 ? weightsG : i % 2 == 1 ? weights2G : weights1m2G;
            Array.Clear(current);
            for (int j = lo[i]; j <= hi[i]; j++)
            {
                double sum = 0;
                int top = Math.Min(j, hi[i - 1]);
                for (int q = lo[i - 1]; q <= top; q++) sum += previous[q] * w[j - q];
                current[j] = sum;
            }
            (previous, current) = (current, previous);
        }
        double p = previous[n];
        for (int i = 1; i <= n; i++) p = p * i / n;
        return Math.Clamp(p, 0, 1);
    }

    /// <summary>x^m / m! for m = 0…count.</summary>
    private static double[] PoissonWeights(double x, int count)
    {
        var w = new double[count + 1];
        w[0] = 1;
        for (int m = 1; m <= count; m++) w[m] = w[m - 1] * x / m;
        return w;
    }

    private static double[] Identity(int m)
    {
        var a = new double[m * m];
        for (int i = 0; i < m; i++) a[i * m + i] = 1;
        return a;
    }

    private static void Multiply(double[] a, double[] b, double[] c, int m)
    {
        Array.Clear(c);
        for (int i = 0; i < m; i++)
            for (int l = 0; l < m; l++)
            {
                double ail = a[i * m + l];
                if (ail == 0) continue;
                for (int j = 0; j < m; j++) c[i * m + j] += ail * b[l * m + j];
            }
    }

    /// <summary>Divides by 2^256 while the largest element exceeds it; returns the exponent taken out.</summary>
    private static int Rescale(double[] a)
    {
        double max = 0;
        foreach (var v in a) max = Math.Max(max, Math.Abs(v));
        int taken = 0;
        while (max > ScaleUp)
        {
            for (int i = 0; i < a.Length; i++) a[i] *= ScaleDown;
            max *= ScaleDown;
            taken += ScaleBits;
        }
        return taken;
    }
}
