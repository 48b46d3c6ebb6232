using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Synthetic;

/// <summary>
/// Known sparse features: F random unit directions in D dimensions, each with a firing frequency, from which activations
/// x = Σ_i c_i·d_i (c_i ≥ 0, mostly zero) are drawn. An SAE trained on them can be scored against the true directions.
/// </summary>
/// <remarks>
/// Magnitudes c_i of active features are uniform on [0, 2] (mean 1). Frequencies are a power law scaled so their sum is
/// the requested expected L0, each capped at 1. Correlated groups use a shared event per group: member i fires if
/// (event ∧ joins) ∨ own, with P(joins) = ρ and P(own) chosen so the marginal stays p_i; the event's probability is the
/// group's smallest p, which keeps P(own) ≥ 0.
/// </remarks>
public sealed class SyntheticFeatureModel
{
    private readonly int[][] _groups;
    private readonly double[] _groupEvent;
    private readonly double[] _own;

    private SyntheticFeatureModel(SyntheticFeatureOptions options, float[] directions, double[] frequencies, int[][] groups, double[] groupEvent, double[] own)
    {
        Options = options;
        Directions = directions;
        Frequencies = frequencies;
        _groups = groups;
        _groupEvent = groupEvent;
        _own = own;
    }

    /// <summary>The options it was built from.</summary>
    public SyntheticFeatureOptions Options { get; }

    /// <summary>True feature directions [F, D], unit rows.</summary>
    public float[] Directions { get; }

    /// <summary>Per-feature firing probability, descending.</summary>
    public double[] Frequencies { get; }

    /// <summary>The correlated groups: disjoint sets of feature ids covering all features.</summary>
    public IReadOnlyList<int[]> Groups => _groups;

    /// <summary>Builds the directions, frequencies and groups from the options' seed.</summary>
    public static SyntheticFeatureModel Create(SyntheticFeatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // A stream of its own: sharing the trainer's, an SAE seeded alike would start on the true directions.
        var rng = Training.SeedStream.Create(options.Seed, Training.SeedStream.SyntheticDirections);
        int f = options.Features, d = options.Dim;
        var directions = new float[f * d];
        for (int i = 0; i < f; i++)
        {
            var row = directions.AsSpan(i * d, d);
            for (int c = 0; c < d; c++) row[c] = (float)Training.SaeInitializer.Gaussian(rng);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }
        var frequencies = PowerLawFrequencies(f, options.PowerLawExponent, options.Sparsity);

        var order = Enumerable.Range(0, f).ToArray();
        rng.Shuffle(order);
        var groups = order.Chunk(options.GroupSize).ToArray();
        var groupEvent = new double[groups.Length];
        var own = (double[])frequencies.Clone();
        for (int g = 0; g < groups.Length; g++)
        {
            groupEvent[g] = groups[g].Min(i => frequencies[i]);
            double shared = groupEvent[g] * options.Correlation;
            if (shared <= 0) continue;
            foreach (int i in groups[g]) own[i] = Math.Max(0, 1 - (1 - frequencies[i]) / (1 - shared));
        }
        return new SyntheticFeatureModel(options, directions, frequencies, groups, groupEvent, own);
    }

    /// <summary>p_i = min(1, c·(i+1)^−α) with c found by bisection so that Σ p_i = <paramref name="expectedActive"/>.</summary>
    public static double[] PowerLawFrequencies(int features, double exponent, double expectedActive)
    {
        var basis = Enumerable.Range(1, features).Select(r => Math.Pow(r, -exponent)).ToArray();
        double lo = 0, hi = expectedActive / basis[^1] + 1;
        for (int it = 0; it < 200; it++)
        {
            double mid = (lo + hi) / 2;
            if (basis.Sum(b => Math.Min(1, mid * b)) < expectedActive) lo = mid;
            else hi = mid;
        }
        return basis.Select(b => Math.Min(1, hi * b)).ToArray();
    }

    /// <summary>Draws <paramref name="n"/> samples [n, D]; <paramref name="activeSets"/>[s] gets sample s's active feature ids (ascending) when given.</summary>
    public float[] Sample(int n, Random rng, int[][]? activeSets = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int f = Options.Features, d = Options.Dim;
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"synthetic data: sample count must be positive, got {n}.");
        if (activeSets is not null && activeSets.Length != n)
            throw new ArgumentException($"synthetic data: the active-set buffer holds {activeSets.Length} slots for {n} samples.");
        var x = new float[checked(n * d)];
        var active = new bool[f];
        for (int s = 0; s < n; s++)
        {
            Array.Clear(active);
            for (int g = 0; g < _groups.Length; g++)
            {
                bool groupFires = Options.Correlation > 0 && rng.NextDouble() < _groupEvent[g];
                foreach (int i in _groups[g])
                    active[i] = (groupFires && rng.NextDouble() < Options.Correlation) || rng.NextDouble() < _own[i];
            }
            var row = x.AsSpan(s * d, d);
            for (int i = 0; i < f; i++)
                if (active[i]) TensorPrimitives.MultiplyAdd(Directions.AsSpan(i * d, d), (float)(2 * rng.NextDouble()), row, row);
            if (activeSets is not null) activeSets[s] = Enumerable.Range(0, f).Where(i => active[i]).ToArray();
            if (Options.Noise > 0)
                for (int c = 0; c < d; c++) row[c] += (float)(Options.Noise * Training.SaeInitializer.Gaussian(rng));
        }
        return x;
    }
}
