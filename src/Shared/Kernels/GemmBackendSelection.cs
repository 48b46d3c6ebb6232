namespace ProbeMonitor.Kernels;

/// <summary>Chooses the back end from the PROBEMONITOR_GEMM setting and what this machine offers.</summary>
public static class GemmBackendSelection
{
    /// <summary>The environment variable that overrides the choice: "openblas", "managed" or "naive".</summary>
    public const string EnvironmentVariable = "PROBEMONITOR_GEMM";

    /// <summary>
    /// The back end named by <paramref name="request"/> (case-insensitive; "managed" means managed-simd), or, when it is
    /// null or blank, the first of <paramref name="available"/> (which lists the preferred first).
    /// </summary>
    /// <exception cref="ArgumentException">The request names no known back end.</exception>
    /// <exception cref="InvalidOperationException">The requested back end is not available here.</exception>
    public static IGemmBackend Choose(string? request, IReadOnlyList<IGemmBackend> available)
    {
        if (available.Count == 0) throw new ArgumentException("no GEMM back end is available.", nameof(available));
        if (string.IsNullOrWhiteSpace(request)) return available[0];
        string wanted = request.Trim().ToLowerInvariant() switch
        {
            "openblas" => "openblas",
            "managed" or "managed-simd" => "managed-simd",
            "naive" => "naive",
            _ => throw new ArgumentException(
                $"{EnvironmentVariable}='{request}' names no GEMM back end; use openblas, managed or naive.", nameof(request)),
        };
        return available.FirstOrDefault(b => b.Name == wanted)
            ?? throw new InvalidOperationException(wanted == "openblas"
                ? $"{EnvironmentVariable}=openblas but none of {string.Join(", ", OpenBlasGemm.LibraryNames)} could be loaded (apt-get install libopenblas0)."
                : $"{EnvironmentVariable}={request} but that back end is not available here.");
    }
}
