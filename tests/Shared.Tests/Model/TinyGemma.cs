using ProbeMonitor.Model;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Shared.Tests.Model;

/// <summary>Tiny random Gemma-2 checkpoints that exercise every feature: GQA, sliding window shorter than the inputs, binding soft-caps.</summary>
internal static class TinyGemma
{
    /// <summary>4 layers, 4 query / 2 KV heads of 24 (so heads·head_dim ≠ hidden), query_pre_attn_scalar 37, window 5, caps 4 and 3.</summary>
    public static GemmaConfig Config(bool explicitLayerTypes = false, int layers = 4) => new()
    {
        VocabSize = 101,
        HiddenSize = 64,
        IntermediateSize = 96,
        NumHiddenLayers = layers,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 24,
        QueryPreAttnScalar = 37,
        SlidingWindow = 5,
        SlidingLayers = explicitLayerTypes
            ? Enumerable.Range(0, layers).Select(i => i % 3 == 1).ToArray()
            : Enumerable.Range(0, layers).Select(i => i % 2 == 0).ToArray(),
        AttnLogitSoftcapping = 4.0,
        FinalLogitSoftcapping = 3.0,
        RmsNormEps = 1e-6,
        RopeTheta = 10000.0,
        MaxPositionEmbeddings = 64,
        // Large enough that attention scores and logits exceed their caps.
        InitializerRange = 0.3,
    };

    /// <summary>Writes a checkpoint to a fresh temporary directory and returns it (callers delete it).</summary>
    public static string Write(GemmaConfig config, WeightPrecision precision, ulong seed = 7)
    {
        var dir = RepoPaths.NewTempDir("pm-gemma");
        RandomCheckpoint.Write(config, seed, precision, dir);
        return dir;
    }

    /// <summary>Deterministic pseudo-random token sequences of the given lengths.</summary>
    public static int[][] Sequences(int vocab, params int[] lengths)
    {
        var rng = new Random(12345);
        return lengths.Select(n => Enumerable.Range(0, n).Select(_ => rng.Next(vocab)).ToArray()).ToArray();
    }

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length) throw new ArgumentException($"lengths differ: {actual.Length} vs {expected.Length}");
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return maxDiff / maxRef;
    }

    public static void Delete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
