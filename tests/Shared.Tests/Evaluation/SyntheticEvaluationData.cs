using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Shared.Tests.Evaluation;

/// <summary>Small synthetic activation files and SAEs with a planted signal: positives are shifted along one unit direction u,
/// and latent 0 of the planted SAE reads u (JumpReLU threshold 2.5), so signal is findable both densely and sparsely.</summary>
/// <remarks>Shared by the evaluation tests and the Trainer CLI tests (linked into both).</remarks>
public static class SyntheticEvaluationData
{
    /// <summary>The activation key the files use.</summary>
    public const string Key = "blocks.6.hook_resid_post";

    /// <summary>Residual width.</summary>
    public const int Dim = 32;

    /// <summary>SAE width.</summary>
    public const int Width = 64;

    /// <summary>The planted unit direction: (e₀ + e₁ + e₂ + e₃)/2, so axis-aligned learners (trees) see it too.</summary>
    public static float[] Direction { get; } = Enumerable.Range(0, Dim).Select(j => j < 4 ? 0.5f : 0f).ToArray();

    /// <summary>Pooled rows x = g + signal·y·u with g ~ N(0, I); labels alternate-balanced and shuffled. With <paramref name="signal"/> 0 labels carry no information.</summary>
    public static (float[] X, int[] Y) Pooled(int n, double signal, int seed, double positiveShare = 0.5)
    {
        var rng = new Random(seed);
        var y = Labels(n, positiveShare, rng);
        var x = new float[n * Dim];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Dim; j++)
                x[i * Dim + j] = (float)(Gaussian(rng) + signal * y[i] * Direction[j]);
        return (x, y);
    }

    /// <summary>Token sequences of 3…maxTokens tokens, right-padded with zeros; positives carry signal·u on one random token.</summary>
    public static (float[] Values, int[] Lengths, int[] Y) Tokens(int n, int maxTokens, double signal, int seed)
    {
        var rng = new Random(seed);
        var y = Labels(n, 0.5, rng);
        var lengths = new int[n];
        var values = new float[n * maxTokens * Dim];
        for (int i = 0; i < n; i++)
        {
            lengths[i] = rng.Next(3, maxTokens + 1);
            int planted = rng.Next(lengths[i]);
            for (int t = 0; t < lengths[i]; t++)
                for (int j = 0; j < Dim; j++)
                    values[(i * maxTokens + t) * Dim + j] = (float)(Gaussian(rng) + (t == planted ? signal * y[i] * Direction[j] : 0));
        }
        return (values, lengths, y);
    }

    /// <summary>An in-memory pooled activation set (no file behind it).</summary>
    public static ProbeMonitor.Evaluation.ActivationSet Set(string name, float[] x, int[] y) =>
        new(name, name + ".safetensors", new string('0', 64), Key, x, y, Dim, "last", null, new Dictionary<string, string>());

    /// <summary>An in-memory token activation set pooled with <paramref name="pooling"/>.</summary>
    public static ProbeMonitor.Evaluation.ActivationSet TokenSet(string name, float[] values, int[] lengths, int[] y, int maxTokens, string pooling = "last")
    {
        var tokens = new ProbeMonitor.Evaluation.TokenSequences(values, lengths, maxTokens, Dim);
        return new(name, name + ".safetensors", new string('0', 64), Key, tokens.Pool(pooling), y, Dim, pooling, tokens, new Dictionary<string, string>());
    }

    /// <summary>Writes a pooled activation file with labels.</summary>
    public static string WritePooled(string path, float[] x, int[] y, string key = Key)
    {
        SafetensorsWriter.Write(path, [TensorToWrite.Singles(key, x, y.Length, x.Length / y.Length), TensorToWrite.Int64("labels", y.Select(v => (long)v).ToArray(), y.Length)],
            new Dictionary<string, string> { ["pooling"] = "last", ["model"] = "/models/tiny-gemma" });
        return path;
    }

    /// <summary>Writes a <c>--pooling none</c> file: [n, T, d] activations, lengths and labels.</summary>
    public static string WriteTokens(string path, float[] values, int[] lengths, int[] y, int maxTokens)
    {
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.Singles(Key, values, y.Length, maxTokens, Dim),
            TensorToWrite.Int64("lengths", lengths.Select(v => (long)v).ToArray(), y.Length),
            TensorToWrite.Int64("labels", y.Select(v => (long)v).ToArray(), y.Length),
        ], new Dictionary<string, string> { ["pooling"] = "none" });
        return path;
    }

    /// <summary>A JumpReLU SAE [Dim → Width]; when <paramref name="planted"/>, latent 0's encoder column is u (threshold 2.5), the rest random (threshold 1).</summary>
    public static SparseAutoencoder TinySae(bool planted, int seed = 11)
    {
        var rng = new Random(seed);
        var wEnc = new float[Dim * Width];
        for (int c = 0; c < Width; c++)
        {
            var column = planted && c == 0 ? Direction : UnitVector(rng, Dim);
            for (int p = 0; p < Dim; p++) wEnc[p * Width + c] = column[p];
        }
        var wDec = new float[Width * Dim];
        for (int i = 0; i < wDec.Length; i++) wDec[i] = (float)(Gaussian(rng) / Math.Sqrt(Dim));
        var threshold = Enumerable.Range(0, Width).Select(c => planted && c == 0 ? 2.5f : 1.0f).ToArray();
        var config = new SaeConfig(SaeArchitecture.JumpRelu, Dim, Width) { HookName = Key, HookLayer = 6 };
        return new SparseAutoencoder(config, wEnc, wDec, new float[Width], new float[Dim], threshold);
    }

    /// <summary>Saves an SAE as a SAELens folder and returns its path.</summary>
    public static string SaveSae(SparseAutoencoder sae, string directory)
    {
        SaeLensDirectory.Save(sae, directory);
        return directory;
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static int[] Labels(int n, double positiveShare, Random rng)
    {
        int positives = (int)Math.Round(n * positiveShare);
        var y = Enumerable.Range(0, n).Select(i => i < positives ? 1 : 0).ToArray();
        rng.Shuffle(y);
        return y;
    }

    private static float[] UnitVector(Random rng, int d)
    {
        var v = Enumerable.Range(0, d).Select(_ => Gaussian(rng)).ToArray();
        double norm = Math.Sqrt(v.Sum(a => a * a));
        return v.Select(a => (float)(a / norm)).ToArray();
    }
}
