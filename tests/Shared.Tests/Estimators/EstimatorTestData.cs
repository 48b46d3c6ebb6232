using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Formats.Numpy;

namespace ProbeMonitor.Shared.Tests.Estimators;

/// <summary>Seeded synthetic classification data, and the exchange of matrices with the Python peer through .npy files.</summary>
internal static class EstimatorTestData
{
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Gaussian rows with labels drawn from a logistic model: learnable, not separable when n ≫ d.</summary>
    public static (float[] X, int[] Y) Logistic(int seed, int n, int d, double signal = 1.5, double offset = 0.0, double featureScale = 1.0)
    {
        var rng = new Random(seed);
        var w = new double[d];
        for (int j = 0; j < d; j++) w[j] = Gaussian(rng) * signal / Math.Sqrt(d);
        var x = new float[n * d];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            double z = offset;
            for (int j = 0; j < d; j++)
            {
                double v = Gaussian(rng);
                x[i * d + j] = (float)(v * featureScale * (1 + j % 3) + j % 5);
                z += v * w[j];
            }
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
        }
        return (x, y);
    }

    /// <summary>Two interleaved rings in the first two features plus noise features: needs a nonlinear classifier.</summary>
    public static (float[] X, int[] Y) Rings(int seed, int n, int noiseFeatures = 3)
    {
        var rng = new Random(seed);
        int d = 2 + noiseFeatures;
        var x = new float[n * d];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 2;
            double r = (y[i] == 1 ? 2.0 : 1.0) + 0.35 * Gaussian(rng);
            double t = 2 * Math.PI * rng.NextDouble();
            x[i * d] = (float)(r * Math.Cos(t));
            x[i * d + 1] = (float)(r * Math.Sin(t));
            for (int j = 2; j < d; j++) x[i * d + j] = (float)Gaussian(rng);
        }
        return (x, y);
    }

    public static string WriteNpy(string dir, string name, float[] data, int rows, int cols)
    {
        var path = Path.Combine(dir, name + ".npy");
        using var stream = File.Create(path);
        NpyWriter.Write(stream, data, [rows, cols]);
        return path;
    }

    public static string WriteNpy(string dir, string name, int[] data)
    {
        var path = Path.Combine(dir, name + ".npy");
        using var stream = File.Create(path);
        NpyWriter.Write(stream, data.Select(v => (long)v).ToArray(), [data.Length]);
        return path;
    }

    public static string Json(IEnumerable<double> values) =>
        "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    public static double[] Doubles(JsonElement element) => element.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static (float[] X, int[] Y) Rows(float[] x, int[] y, int d, IReadOnlyList<int> rows)
    {
        var xs = new float[rows.Count * d];
        var ys = new int[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            x.AsSpan(rows[k] * d, d).CopyTo(xs.AsSpan(k * d, d));
            ys[k] = y[rows[k]];
        }
        return (xs, ys);
    }

    public static double RelativeError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }
        return Math.Sqrt(num / den);
    }
}
