using System.Globalization;

namespace ProbeMonitor.Shared.Tests.Probes;

/// <summary>Seeded random inputs and JSON-number formatting for the probe and calibration tests.</summary>
internal static class ProbeTestData
{
    public static float[] Gaussian(Random rng, int count, double std = 1.0, double mean = 0.0)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(mean + std * NextGaussian(rng));
        return values;
    }

    public static double NextGaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static float[] Uniform(Random rng, int count, double lo, double hi)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return values;
    }

    /// <summary>A JSON array of doubles in round-trip form.</summary>
    public static string JsonArray(IEnumerable<double> values) =>
        "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    /// <summary>Labelled logits from two overlapping Gaussians, positives shifted right.</summary>
    public static (double[] Logits, bool[] Labels) TwoGaussians(int seed, int n, double separation, double std = 1.0, double positiveRate = 0.5)
    {
        var rng = new Random(seed);
        var logits = new double[n];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.NextDouble() < positiveRate;
            logits[i] = (labels[i] ? separation / 2 : -separation / 2) + std * NextGaussian(rng);
        }
        return (logits, labels);
    }
}
