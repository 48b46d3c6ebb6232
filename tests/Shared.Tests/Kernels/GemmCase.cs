using ProbeMonitor.Kernels;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

/// <summary>A random product checked against <see cref="NaiveGemm"/> (double accumulation) with a float32 error bound.</summary>
/// <remarks>
/// The bound per element is 1e-4 · (Σ_p |a_ip·b_pj| + |c_ij before|): float32 summation error grows with the sum of
/// magnitudes, not with the result, which may cancel to near zero.
/// </remarks>
public sealed class GemmCase
{
    private GemmCase(int m, int n, int k, bool transposedB, bool accumulate, HalfKind? half, int seed)
    {
        M = m;
        N = n;
        K = k;
        TransposedB = transposedB;
        Accumulate = accumulate;
        Half = half;
        var random = new Random(seed);
        A = Fill(random, m * k);
        var b = Fill(random, n * k);
        if (half is { } kind)
        {
            BBits = b.Select(v => kind == HalfKind.BFloat16
                ? FloatConversion.SingleToBFloat16(v)
                : BitConverter.HalfToUInt16Bits((Half)v)).ToArray();
            // Widened with the runtime's scalar definitions, independently of the vectorised FloatConversion.
            b = BBits.Select(bits => kind == HalfKind.BFloat16
                ? BitConverter.Int32BitsToSingle(bits << 16)
                : (float)BitConverter.UInt16BitsToHalf(bits)).ToArray();
        }
        B = b;
        InitialC = Fill(random, m * n);
    }

    public int M { get; }
    public int N { get; }
    public int K { get; }
    public bool TransposedB { get; }
    public bool Accumulate { get; }
    public HalfKind? Half { get; }
    public float[] A { get; }

    /// <summary>B as floats ([n,k] when transposed, else [k,n]); for 16-bit cases, the widened bits.</summary>
    public float[] B { get; }

    public ushort[]? BBits { get; }
    public float[] InitialC { get; }

    public static GemmCase Create(int m, int n, int k, bool transposedB, bool accumulate, HalfKind? half = null) =>
        new(m, n, k, transposedB, accumulate, half, HashCode.Combine(m, n, k, transposedB, accumulate, half));

    /// <summary>Runs the case on <paramref name="backend"/> and asserts every element is within the bound.</summary>
    public void AssertMatches(IGemmBackend backend)
    {
        var actual = (float[])InitialC.Clone();
        Run(backend, actual);

        var expected = (float[])InitialC.Clone();
        var magnitude = InitialC.Select(Math.Abs).ToArray();
        var absA = A.Select(Math.Abs).ToArray();
        var absB = B.Select(Math.Abs).ToArray();
        if (TransposedB)
        {
            NaiveGemm.MultiplyTransposedB(A, B, expected, M, N, K, Accumulate);
            NaiveGemm.MultiplyTransposedB(absA, absB, magnitude, M, N, K, Accumulate);
        }
        else
        {
            NaiveGemm.Multiply(A, B, expected, M, N, K, Accumulate);
            NaiveGemm.Multiply(absA, absB, magnitude, M, N, K, Accumulate);
        }

        for (int i = 0; i < M * N; i++)
        {
            double bound = 1e-4 * magnitude[i] + 1e-30;
            if (!(Math.Abs(actual[i] - (double)expected[i]) <= bound))
                Assert.Fail($"{backend.Name} {this}: C[{i / N},{i % N}] = {actual[i]}, naive {expected[i]}, bound {bound:G3}");
        }
    }

    private void Run(IGemmBackend backend, float[] c)
    {
        if (Half is { } kind)
        {
            if (TransposedB) backend.MultiplyTransposedB(A, BBits, kind, c, M, N, K, Accumulate);
            else backend.Multiply(A, BBits, kind, c, M, N, K, Accumulate);
        }
        else if (TransposedB) backend.MultiplyTransposedB(A, B, c, M, N, K, Accumulate);
        else backend.Multiply(A, B, c, M, N, K, Accumulate);
    }

    public override string ToString() =>
        $"m={M} n={N} k={K} {(TransposedB ? "A·Bᵀ" : "A·B")}{(Half is { } h ? " " + h : "")}{(Accumulate ? " +C" : "")}";

    private static float[] Fill(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }
}
