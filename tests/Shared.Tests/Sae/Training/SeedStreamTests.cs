using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

public sealed class SeedStreamTests
{
    [Fact]
    public void Derived_seeds_are_deterministic_non_negative_and_distinct_across_seeds_and_streams()
    {
        var seen = new HashSet<int>();
        foreach (int seed in new[] { 0, 1, 2, 42, -1, int.MaxValue, int.MinValue })
            foreach (int stream in new[] { 1, 2, 3, 11, 12 })
            {
                int derived = SeedStream.Derive(seed, stream);
                Assert.Equal(derived, SeedStream.Derive(seed, stream));
                Assert.True(derived >= 0);
                Assert.True(seen.Add(derived), $"seed {seed} stream {stream} collides");
                Assert.NotEqual(seed, derived);
            }
    }

    [Fact]
    public void An_SAE_seeded_like_its_data_does_not_start_on_the_data()
    {
        // Data drawn from new Random(0) with the same Box–Muller recipe the initialiser uses: before SeedStream, the
        // decoder rows were exactly these rows, normalised.
        const int d = 32, rows = 256;
        var rng = new Random(0);
        var data = new float[rows * d];
        for (int i = 0; i < data.Length; i++) data[i] = (float)SaeInitializer.Gaussian(rng);
        using var source = ActivationSource.FromArray(data, d);
        var trainer = new SaeTrainer(source, new SaeTrainingOptions { Architecture = SaeArchitecture.TopK, Width = 64, K = 4, Seed = 0, NormalizeInput = false, DecoderBiasInit = DecoderBiasInit.Zeros });
        var dec = trainer.Parameters.Decoder;
        double best = 0;
        for (int j = 0; j < 64; j++)
            for (int r = 0; r < rows; r++)
            {
                double dot = 0, n = 0;
                for (int c = 0; c < d; c++)
                {
                    dot += dec[j * d + c] * data[r * d + c];
                    n += (double)data[r * d + c] * data[r * d + c];
                }
                best = Math.Max(best, Math.Abs(dot) / Math.Sqrt(n));
            }
        Assert.True(best < 0.8, $"a decoder row has cosine {best:F3} with a data row");
    }
}
