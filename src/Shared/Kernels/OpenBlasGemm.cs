using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ProbeMonitor.Kernels;

/// <summary>GEMM through OpenBLAS's <c>cblas_sgemm</c>, bound at run time so that the library stays optional.</summary>
/// <remarks>
/// 16-bit B: BLAS has no mixed-precision sgemm, so B is widened a block of rows at a time into one pooled float buffer and
/// each block goes to sgemm separately. That costs an extra write and read of each widened block (kept near L2/L3 size so
/// it stays in cache) and a re-packing of A per block, but never a float copy of the whole weight matrix.
/// <para>
/// Kernel family: OpenBLAS built with DYNAMIC_ARCH picks its kernels from the CPU model at load, and releases older than
/// the CPU (Debian 12 ships 0.3.21, which does not know Emerald Rapids, family 6 model 207) silently fall back to SSE3
/// "Prescott" kernels, several times slower. Unless the user set OPENBLAS_CORETYPE, it is therefore set before loading
/// from the instruction sets the runtime reports: SkylakeX for AVX-512, Haswell for AVX2+FMA.
/// </para>
/// </remarks>
public sealed unsafe class OpenBlasGemm : IGemmBackend
{
    /// <summary>Names tried, in order, when loading the library.</summary>
    public static readonly IReadOnlyList<string> LibraryNames = ["libopenblas.so.0", "libopenblas.so", "openblas"];

    /// <summary>Widened floats per sgemm call on the 16-bit path (8 MiB).</summary>
    private const int HalfBlockFloats = 1 << 21;

    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly Lazy<OpenBlasGemm?> Loaded = new(Load);

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;

    private OpenBlasGemm(nint sgemmExport, string library, int threads, string coreName)
    {
        sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemmExport;
        LibraryName = library;
        Threads = threads;
        CoreName = coreName;
    }

    /// <summary>The loaded back end, or null when no OpenBLAS library could be loaded.</summary>
    public static OpenBlasGemm? Instance => Loaded.Value;

    /// <summary>Whether OpenBLAS is loadable on this machine.</summary>
    public static bool IsAvailable => Instance is not null;

    /// <summary>The library name that loaded.</summary>
    public string LibraryName { get; }

    /// <summary>OpenBLAS's thread count as set at load (0 when the library does not export openblas_set_num_threads).</summary>
    public int Threads { get; }

    /// <summary>The kernel family OpenBLAS chose (openblas_get_corename), e.g. "SkylakeX"; "unknown" when not exported.</summary>
    public string CoreName { get; }

    /// <summary>The OPENBLAS_CORETYPE this process set before loading, or null when it set none.</summary>
    public static string? PinnedCoreType { get; private set; }

    /// <inheritdoc/>
    public string Name => "openblas";

    /// <inheritdoc/>
    public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            sgemm(RowMajor, NoTrans, Trans, m, n, k, 1f, pa, k, pb, k, accumulate ? 1f : 0f, pc, n);
    }

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1f, pa, k, pb, n, accumulate ? 1f : 0f, pc, n);
    }

    /// <inheritdoc/>
    /// <remarks>Blocks are rows of B, i.e. column blocks of C: C[:, j0..j1] = A · B[j0..j1]ᵀ.</remarks>
    public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        int rowsPerBlock = Math.Clamp(HalfBlockFloats / k, 1, n);
        float[] widened = ArrayPool<float>.Shared.Rent(rowsPerBlock * k);
        try
        {
            fixed (float* pa = a)
            fixed (float* pw = widened)
            fixed (float* pc = c)
            {
                for (int j0 = 0; j0 < n; j0 += rowsPerBlock)
                {
                    int rows = Math.Min(rowsPerBlock, n - j0);
                    FloatConversion.ToSingle(bBits.Slice(j0 * k, rows * k), widened, kind);
                    sgemm(RowMajor, NoTrans, Trans, m, rows, k, 1f, pa, k, pw, k, accumulate ? 1f : 0f, pc + j0, n);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(widened);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Blocks are rows of B, i.e. k blocks: C += A[:, p0..p1] · B[p0..p1, :], the first one honouring <paramref name="accumulate"/>.</remarks>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        if (GemmShape.HandledTrivially(c, m, n, k, accumulate)) return;
        int rowsPerBlock = Math.Clamp(HalfBlockFloats / n, 1, k);
        float[] widened = ArrayPool<float>.Shared.Rent(rowsPerBlock * n);
        try
        {
            fixed (float* pa = a)
            fixed (float* pw = widened)
            fixed (float* pc = c)
            {
                for (int p0 = 0; p0 < k; p0 += rowsPerBlock)
                {
                    int rows = Math.Min(rowsPerBlock, k - p0);
                    FloatConversion.ToSingle(bBits.Slice(p0 * n, rows * n), widened, kind);
                    float beta = p0 > 0 || accumulate ? 1f : 0f;
                    sgemm(RowMajor, NoTrans, NoTrans, m, n, rows, 1f, pa + p0, k, pw, n, beta, pc, n);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(widened);
        }
    }

    private static OpenBlasGemm? Load()
    {
        PinCoreType();
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemmExport))
            {
                NativeLibrary.Free(handle);
                continue;
            }
            // The handle is kept for the life of the process: the function pointers refer into the library.
            int threads = 0;
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var setThreads))
            {
                threads = Environment.ProcessorCount;
                ((delegate* unmanaged[Cdecl]<int, void>)setThreads)(threads);
            }
            string coreName = "unknown";
            if (NativeLibrary.TryGetExport(handle, "openblas_get_corename", out var getCoreName))
                coreName = Marshal.PtrToStringUTF8((nint)((delegate* unmanaged[Cdecl]<byte*>)getCoreName)()) ?? "unknown";
            return new OpenBlasGemm(sgemmExport, name, threads, coreName);
        }
        return null;
    }

    /// <summary>The OPENBLAS_CORETYPE that matches this CPU's vector extensions (SkylakeX, Haswell), or null for OpenBLAS's own guess.</summary>
    /// <remarks>Under a hypervisor that reports a generic model name OpenBLAS can fall back to old SSE kernels; naming the
    /// core type by its features avoids that, for this process and for peers (PyTorch) started beside it.</remarks>
    public static string? CoreTypeForThisCpu() =>
        Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported ? "SkylakeX"
        : Avx2.IsSupported && Fma.IsSupported ? "Haswell"
        : null;

    /// <summary>Sets OPENBLAS_CORETYPE in the native environment (which OpenBLAS reads at load) unless it is already set.</summary>
    /// <remarks>
    /// Runs once, when <see cref="Gemm"/> is first used. .NET's Environment keeps its own copy, so only libc's setenv reaches
    /// OpenBLAS; child processes started through .NET do not inherit the value.
    /// </remarks>
    private static void PinCoreType()
    {
        string? coreType = CoreTypeForThisCpu();
        if (coreType is null || !OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc)) return;
        if (!NativeLibrary.TryGetExport(libc, "getenv", out var getenv) || !NativeLibrary.TryGetExport(libc, "setenv", out var setenv)) return;
        fixed (byte* name = "OPENBLAS_CORETYPE\0"u8)
        {
            if (((delegate* unmanaged[Cdecl]<byte*, byte*>)getenv)(name) != null) return;
            var value = System.Text.Encoding.ASCII.GetBytes(coreType + "\0");
            fixed (byte* v = value)
                if (((delegate* unmanaged[Cdecl]<byte*, byte*, int, int>)setenv)(name, v, 0) == 0)
                    PinnedCoreType = coreType;
        }
    }
}
