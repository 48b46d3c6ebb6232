using ProbeMonitor.Kernels;

namespace ProbeMonitor.Shared.Tests.Kernels;

/// <summary>Theory data shared by the back-end tests: odd shapes chosen to hit every edge of the blocking.</summary>
public static class GemmShapes
{
    /// <summary>(m, n, k): tiny, not multiples of any tile, one-row, one-column, deep k past both k-block limits,
    /// more rows than one A block, and sizes past the parallel threshold.</summary>
    public static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (7, 13, 5), (33, 65, 17), (1, 9, 2304), (1, 2304, 9), (2304, 1, 9), (6, 32, 256), (4, 4, 16),
        (13, 70, 300), (5, 9, 1600), (17, 33, 3100), (250, 97, 301), (400, 20, 1600), (130, 300, 64),
    ];

    public static IEnumerable<object[]> FloatCases(SimdLevel? level)
    {
        foreach (var (m, n, k) in Shapes)
        foreach (bool transposed in new[] { true, false })
        foreach (bool accumulate in new[] { false, true })
            yield return level is { } l ? [l, m, n, k, transposed, accumulate] : [m, n, k, transposed, accumulate];
    }

    /// <summary>A smaller set for the 16-bit paths (the widening is per element, so fewer shapes cover it).</summary>
    public static IEnumerable<object[]> HalfCases(SimdLevel? level)
    {
        (int, int, int)[] shapes = [(1, 1, 1), (7, 13, 5), (33, 65, 17), (1, 9, 2304), (13, 70, 300), (250, 97, 301)];
        foreach (var (m, n, k) in shapes)
        foreach (var kind in new[] { HalfKind.BFloat16, HalfKind.Float16 })
        foreach (bool transposed in new[] { true, false })
            yield return level is { } l ? [l, m, n, k, transposed, kind] : [m, n, k, transposed, kind];
    }

    public static IEnumerable<object[]> ManagedFloatCases() =>
        ManagedGemm.SupportedLevels.SelectMany(level => FloatCases(level));

    public static IEnumerable<object[]> ManagedHalfCases() =>
        ManagedGemm.SupportedLevels.SelectMany(level => HalfCases(level));

    public static IEnumerable<object[]> PlainFloatCases() => FloatCases(null);

    public static IEnumerable<object[]> PlainHalfCases() => HalfCases(null);
}
