using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ProbeMonitor.Estimators;

/// <summary>
/// K = X′X′ᵀ for float rows X in double precision, X′ being X or its standardisation (x − μ)/σ: a packed,
/// register-blocked SYRK that widens (and standardises) while packing, so every product is an exact double product of the data.
/// </summary>
/// <remarks>
/// Rows are packed 16 to a panel, interleaved along the feature axis in blocks of 256 features; an 8 × 16 tile of K
/// accumulates in registers over a block. Only tiles touching the lower triangle are computed, then mirrored. Each entry
/// is summed by one thread in a fixed order, so the result does not depend on the thread count. The matrix lives on the
/// pinned heap so the solvers can hold raw pointers into it.
/// </remarks>
internal static unsafe class GramMatrix
{
    private const int Panel = 16;
    private const int TileRows = 8;
    private const int Depth = 256;
    private const int RowBlock = 128;

    /// <summary>The full symmetric [rows, rows] Gram matrix of the rows of x [rows, features], on the pinned heap.</summary>
    public static double[] Compute(ReadOnlySpan<float> x, int features, FeatureScaling? scaling, int maxDegreeOfParallelism)
    {
        int rows = TrainingData.RowsOf(x, features, nameof(GramMatrix));
        fixed (float* px = x) return Compute(px, rows, features, scaling, maxDegreeOfParallelism);
    }

    /// <summary>The full symmetric [rows, rows] Gram matrix of the rows at x [rows, features] (kept pinned by the caller), on the pinned heap.</summary>
    public static double[] Compute(float* x, int rows, int features, FeatureScaling? scaling, int maxDegreeOfParallelism)
    {
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"GramMatrix: needs at least one row, got {rows}.");
        if ((long)rows * rows > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), $"GramMatrix: {rows} rows need a {rows}² matrix, more than one array can hold; use the primal solver.");
        if (scaling is not null && scaling.Features != features)
            throw new ArgumentException($"GramMatrix: the scaling has {scaling.Features} features but x has {features}.", nameof(scaling));
        var k = GC.AllocateArray<double>(checked(rows * rows), pinned: true);
        int panels = (rows + Panel - 1) / Panel;
        nuint packedBytes = (nuint)panels * Panel * Depth * sizeof(double);
        var packed = (double*)NativeMemory.AlignedAlloc(packedBytes, 64);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : -1 };
        try
        {
            nint px = (nint)x, pp = (nint)packed, pk = (nint)Unsafe.AsPointer(ref k[0]);
            int blocks = (rows + RowBlock - 1) / RowBlock;
            for (int k0 = 0; k0 < features; k0 += Depth)
            {
                int start = k0, depth = Math.Min(Depth, features - k0);
                Parallel.For(0, panels, parallel, p => Pack((float*)px, rows, features, scaling, start, depth, (double*)pp, p));
                Parallel.For(0, blocks, parallel, b => RowBlockTiles((double*)pp, depth, (double*)pk, rows, b));
            }
            Mirror((double*)pk, rows);
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
        }
        return k;
    }

    /// <summary>K[rows, rows] of a subset, from the Gram matrix [n, n] of the full set (entries are bit-identical to recomputing them).</summary>
    public static double[] Gather(double[] k, int n, ReadOnlySpan<int> rows)
    {
        if (k.Length != (long)n * n) throw new ArgumentException($"GramMatrix: the matrix holds {k.Length} values, not {n}².", nameof(k));
        foreach (int r in rows)
            if ((uint)r >= (uint)n) throw new ArgumentOutOfRangeException(nameof(rows), $"GramMatrix: row {r} is outside 0…{n - 1}.");
        int m = rows.Length;
        var result = GC.AllocateArray<double>(checked(m * m), pinned: true);
        for (int a = 0; a < m; a++)
        {
            long source = (long)rows[a] * n;
            for (int b = 0; b < m; b++) result[(long)a * m + b] = k[source + rows[b]];
        }
        return result;
    }

    /// <summary>Panel p: rows 16p…16p+15 of features [start, start+depth), widened, interleaved (16 values per feature), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack(float* x, int rows, int features, FeatureScaling? scaling, int start, int depth, double* packed, int p)
    {
        double* dst = packed + (long)p * Panel * Depth;
        for (int r = 0; r < Panel; r++)
        {
            int row = p * Panel + r;
            if (row >= rows)
            {
                for (int j = 0; j < depth; j++) dst[j * Panel + r] = 0;
                continue;
            }
            float* src = x + (long)row * features + start;
            if (scaling is null)
            {
                for (int j = 0; j < depth; j++) dst[j * Panel + r] = src[j];
            }
            else
            {
                var mean = scaling.Mean;
                var scale = scaling.Scale;
                for (int j = 0; j < depth; j++) dst[j * Panel + r] = (src[j] - mean[start + j]) / scale[start + j];
            }
        }
    }

    /// <summary>Adds this depth block's contribution to the lower-triangle tiles of rows [128b, 128b+128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlockTiles(double* packed, int depth, double* k, int rows, int block)
    {
        int r0 = block * RowBlock, r1 = Math.Min(rows, r0 + RowBlock);
        int lastPanel = (r1 - 1) / Panel;
        for (int p = 0; p <= lastPanel; p++)
        {
            double* b = packed + (long)p * Panel * Depth;
            int col = p * Panel, cols = Math.Min(Panel, rows - col);
            for (int i = r0; i < r1; i += TileRows)
            {
                if (i + TileRows - 1 < col) continue; // wholly above the diagonal
                double* a = packed + (long)(i / Panel) * Panel * Depth + i % Panel;
                Tile(a, b, depth, k + (long)i * rows + col, rows, Math.Min(TileRows, r1 - i), cols);
            }
        }
    }

    /// <summary>c[r, j] += Σₖ a[16k + r]·b[16k + j] for an 8 × 16 tile (a and b point into packed panels).</summary>
    private static void Tile(double* a, double* b, int depth, double* c, int ldc, int validRows, int validCols)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Tile512(a, b, depth, c, ldc, validRows, validCols);
            return;
        }
        for (int half = 0; half < Panel; half += 8)
            for (int r = 0; r < TileRows; r += 4)
                Tile256(a + r, b + half, depth, c + (long)r * ldc + half, ldc, validRows - r, validCols - half);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512(double* a, double* b, int depth, double* c, int ldc, int validRows, int validCols)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int j = 0; j < depth; j++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 8);
            var v = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(v, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(v, b1, c01);
            v = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(v, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(v, b1, c11);
            v = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(v, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(v, b1, c21);
            v = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(v, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(v, b1, c31);
            v = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(v, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(v, b1, c41);
            v = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(v, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(v, b1, c51);
            v = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(v, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(v, b1, c61);
            v = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(v, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(v, b1, c71);
            a += Panel;
            b += Panel;
        }
        if (validRows == TileRows && validCols == Panel)
        {
            Add512(c, c00, c01); Add512(c + ldc, c10, c11); Add512(c + 2L * ldc, c20, c21); Add512(c + 3L * ldc, c30, c31);
            Add512(c + 4L * ldc, c40, c41); Add512(c + 5L * ldc, c50, c51); Add512(c + 6L * ldc, c60, c61); Add512(c + 7L * ldc, c70, c71);
            return;
        }
        var tile = stackalloc double[TileRows * Panel];
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
        c60.Store(tile + 96); c61.Store(tile + 104); c70.Store(tile + 112); c71.Store(tile + 120);
        AddEdge(tile, Panel, c, ldc, validRows, validCols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add512(double* c, Vector512<double> lo, Vector512<double> hi)
    {
        (Vector512.Load(c) + lo).Store(c);
        (Vector512.Load(c + 8) + hi).Store(c + 8);
    }

    /// <summary>A 4 × 8 sub-tile with 256-bit vectors, for machines without AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256(double* a, double* b, int depth, double* c, int ldc, int validRows, int validCols)
    {
        if (validRows <= 0 || validCols <= 0) return;
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int j = 0; j < depth; j++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 4);
            var v = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(v, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(v, b1, c01);
            v = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(v, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(v, b1, c11);
            v = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(v, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(v, b1, c21);
            v = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(v, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(v, b1, c31);
            a += Panel;
            b += Panel;
        }
        var tile = stackalloc double[32];
        c00.Store(tile); c01.Store(tile + 4); c10.Store(tile + 8); c11.Store(tile + 12);
        c20.Store(tile + 16); c21.Store(tile + 20); c30.Store(tile + 24); c31.Store(tile + 28);
        AddEdge(tile, 8, c, ldc, Math.Min(4, validRows), Math.Min(8, validCols));
    }

    private static void AddEdge(double* tile, int width, double* c, int ldc, int validRows, int validCols)
    {
        for (int r = 0; r < validRows; r++)
            for (int j = 0; j < validCols; j++)
                c[(long)r * ldc + j] += tile[r * width + j];
    }

    /// <summary>Copies the lower triangle onto the upper one, in cache-sized blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Mirror(double* k, int rows)
    {
        const int B = 64;
        for (int i0 = 0; i0 < rows; i0 += B)
            for (int j0 = 0; j0 <= i0; j0 += B)
                for (int i = i0; i < Math.Min(rows, i0 + B); i++)
                    for (int j = j0; j < Math.Min(i, j0 + B); j++)
                        k[(long)j * rows + i] = k[(long)i * rows + j];
    }
}
