using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ProbeMonitor.Kernels.Managed;

namespace ProbeMonitor.Kernels;

/// <summary>Packed, cache-blocked, register-blocked SIMD GEMM in C#: the back end when OpenBLAS is absent.</summary>
/// <remarks>
/// A·B uses an outer-product (broadcast) micro-kernel over packed panels. A·Bᵀ with many rows does too, transposing B
/// while packing; with few rows (a transformer's tokens) it uses an inner-product micro-kernel instead, since B rows are
/// already contiguous along k and the transpose would cost as much as the arithmetic. 16-bit B is widened while packing. Large products run in parallel over
/// row × column blocks of C; small ones stay on the calling thread.
/// </remarks>
public sealed unsafe class ManagedGemm : IGemmBackend
{
    /// <summary>Uses the widest instruction set this machine supports.</summary>
    public ManagedGemm() : this(BestLevel)
    {
    }

    /// <summary>Uses the micro-kernels of <paramref name="level"/>; throws when this machine lacks it.</summary>
    public ManagedGemm(SimdLevel level)
    {
        if (!IsSupported(level))
            throw new PlatformNotSupportedException($"this machine cannot run the {level} GEMM kernels.");
        Level = level;
    }

    /// <summary>The widest level supported here.</summary>
    public static SimdLevel BestLevel =>
        IsSupported(SimdLevel.Avx512) ? SimdLevel.Avx512 : IsSupported(SimdLevel.Avx2) ? SimdLevel.Avx2 : SimdLevel.Portable;

    /// <summary>Whether this machine can run the kernels of <paramref name="level"/>.</summary>
    public static bool IsSupported(SimdLevel level) => level switch
    {
        SimdLevel.Portable => true,
        SimdLevel.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        SimdLevel.Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>Every level supported here, narrowest first.</summary>
    public static IReadOnlyList<SimdLevel> SupportedLevels =>
        Enum.GetValues<SimdLevel>().Where(IsSupported).ToArray();

    /// <summary>The instruction set of the micro-kernels in use.</summary>
    public SimdLevel Level { get; }

    /// <inheritdoc/>
    public string Name => "managed-simd";

    /// <inheritdoc/>
    public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            RunTransposed(new GemmProblem(pa, new MatrixSource(pb), pc, m, n, k, accumulate, transposedB: true));
    }

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            RunBroadcast(new GemmProblem(pa, new MatrixSource(pb), pc, m, n, k, accumulate, transposedB: false));
    }

    /// <inheritdoc/>
    public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        fixed (float* pa = a)
        fixed (ushort* pb = bBits)
        fixed (float* pc = c)
            RunTransposed(new GemmProblem(pa, new MatrixSource(pb, kind), pc, m, n, k, accumulate, transposedB: true));
    }

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        fixed (float* pa = a)
        fixed (ushort* pb = bBits)
        fixed (float* pc = c)
            RunBroadcast(new GemmProblem(pa, new MatrixSource(pb, kind), pc, m, n, k, accumulate, transposedB: false));
    }

    /// <summary>
    /// A·Bᵀ with at least this many rows goes through the broadcast kernel, B transposed while packing: the transpose is
    /// paid once per B element and amortised over the rows, while the dot kernel must stream A from L2 at 64/NR bytes per FMA.
    /// </summary>
    internal const int DotRowLimit = 64;

    private void RunTransposed(GemmProblem problem)
    {
        if (problem.M >= DotRowLimit) RunBroadcast(problem);
        else RunDot(problem);
    }

    private void RunDot(GemmProblem problem)
    {
        switch (Level)
        {
            case SimdLevel.Avx512: DotDriver.Run<DotKernel512>(problem); break;
            case SimdLevel.Avx2: DotDriver.Run<DotKernel256>(problem); break;
            default: DotDriver.Run<DotKernelPortable>(problem); break;
        }
    }

    private void RunBroadcast(GemmProblem problem)
    {
        switch (Level)
        {
            case SimdLevel.Avx512: BroadcastDriver.Run<BroadcastKernel512>(problem); break;
            case SimdLevel.Avx2: BroadcastDriver.Run<BroadcastKernel256>(problem); break;
            default: BroadcastDriver.Run<BroadcastKernelPortable>(problem); break;
        }
    }
}
