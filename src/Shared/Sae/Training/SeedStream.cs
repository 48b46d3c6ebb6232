namespace ProbeMonitor.Sae.Training;

/// <summary>Independent, reproducible random streams derived from one user seed.</summary>
/// <remarks>
/// Seeding every generator with the user's seed directly makes streams collide: an SAE initialised from
/// <c>new Random(0)</c> draws exactly the Gaussians that data generated from <c>new Random(0)</c> holds, so its decoder
/// starts on the data (this happened: a benchmark's loss fell 3× too low). Each stream here is the seed and a stream
/// id mixed by SplitMix64's finaliser, which no plain seed reproduces by accident.
/// </remarks>
public static class SeedStream
{
    /// <summary>Stream ids used in this assembly; each consumer of randomness has its own.</summary>
    public const int TrainerInit = 1, TrainerInitSample = 2, TrainerBatches = 3, SyntheticDirections = 11, SyntheticSamples = 12;

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static Random Create(int seed, int stream) => new(Derive(seed, stream));

    /// <summary>The derived 31-bit seed.</summary>
    public static int Derive(int seed, int stream)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)stream * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFF_FFFF);
    }
}
