using System.Numerics;

namespace ProbeMonitor.Probes;

/// <summary>The argument checks every probe runs before scoring, so that bad activations fail loudly instead of scoring as noise.</summary>
internal static class ProbeInput
{
    public static void Check(string probeId, int inputDim, ReadOnlySpan<float> x, int n, int outputLength, string outputName, long outputPerRow = 1)
    {
        if (n < 0)
            throw new ArgumentOutOfRangeException(nameof(n), $"Probe '{probeId}': row count must be non-negative, got {n}.");
        long expected = (long)n * inputDim;
        if (x.Length != expected)
        {
            var hint = n > 0 && x.Length % n == 0 ? $" (rows of {x.Length / n} floats, but the probe's d_model is {inputDim})" : "";
            throw new ArgumentException(
                $"Probe '{probeId}' expects {n} × {inputDim} = {expected} floats but the input holds {x.Length}{hint}.", nameof(x));
        }
        if (outputLength < n * outputPerRow)
            throw new ArgumentException(
                $"Probe '{probeId}': {outputName} holds {outputLength} floats but {n * outputPerRow} are needed.", outputName);
        int bad = IndexOfNonFinite(x);
        if (bad >= 0)
            throw new ArgumentException(
                $"Probe '{probeId}': input row {bad / inputDim}, element {bad % inputDim} is {x[bad]}; activations must be finite.", nameof(x));
    }

    /// <summary>The index of the first NaN or ±Inf, or -1.</summary>
    /// <remarks>v − v is 0 for every finite float and NaN for NaN and ±Inf, which lets one SIMD compare test a whole vector.</remarks>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x.Slice(i));
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) break;
            }
        }
        for (; i < x.Length; i++)
            if (!float.IsFinite(x[i])) return i;
        return -1;
    }
}
