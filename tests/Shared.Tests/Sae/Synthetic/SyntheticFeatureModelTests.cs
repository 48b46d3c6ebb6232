using ProbeMonitor.Sae.Synthetic;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Synthetic;

public sealed class SyntheticFeatureModelTests
{
    [Fact]
    public void Power_law_frequencies_sum_to_the_expected_L0_with_the_requested_exponent_and_cap_at_one()
    {
        var p = SyntheticFeatureModel.PowerLawFrequencies(1000, 1.2, 20);
        Assert.Equal(20, p.Sum(), 6);
        Assert.Equal(1.0, p[0]); // the head saturates at probability 1
        Assert.Equal(Math.Pow(500.0 / 1000.0, 1.2), p[999] / p[499], 9);
        Assert.True(p.Zip(p.Skip(1)).All(t => t.First >= t.Second));
    }

    [Fact]
    public void Samples_are_non_negative_combinations_of_unit_directions_with_the_expected_L0()
    {
        var model = SyntheticFeatureModel.Create(new SyntheticFeatureOptions { Features = 64, Dim = 16, Sparsity = 5, Seed = 3 });
        for (int i = 0; i < 64; i++)
            Assert.Equal(1.0, Math.Sqrt(model.Directions.AsSpan(i * 16, 16).ToArray().Sum(v => (double)v * v)), 5);
        var active = new int[20000][];
        var x = model.Sample(active.Length, new Random(1), active);
        Assert.Equal(5.0, active.Average(a => a.Length), 0.1);
        Assert.Equal(20000 * 16, x.Length);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Samples_equal_the_sum_of_their_active_directions_with_magnitudes_in_0_2()
    {
        var model = SyntheticFeatureModel.Create(new SyntheticFeatureOptions { Features = 8, Dim = 8, Sparsity = 2, Seed = 4 });
        var active = new int[200][];
        var x = model.Sample(200, new Random(2), active);
        for (int s = 0; s < 200; s++)
        {
            // The directions of 8 features in 8 dimensions are (almost surely) independent: solve for the coefficients exactly.
            var c = LeastSquares(model.Directions, 8, 8, x.AsSpan(s * 8, 8).ToArray());
            for (int i = 0; i < 8; i++)
            {
                if (active[s].Contains(i)) Assert.InRange(c[i], -1e-3, 2 + 1e-3);
                else Assert.Equal(0, c[i], 3);
            }
        }
    }

    [Fact]
    public void Correlated_groups_keep_each_features_frequency_but_make_members_co_fire()
    {
        var options = new SyntheticFeatureOptions { Features = 16, Dim = 8, Sparsity = 3, PowerLawExponent = 0, Correlation = 0.8, GroupSize = 4, Seed = 9 };
        var (firing, sameGroup, otherGroup) = Rates(SyntheticFeatureModel.Create(options), 40000);
        foreach (var rate in firing) Assert.Equal(3.0 / 16, rate, 0.012);
        Assert.True(sameGroup > 2 * otherGroup, $"same-group pairs co-fire at {sameGroup:F4}, other pairs at {otherGroup:F4}");
        Assert.Equal(3.0 / 16 * 3.0 / 16, otherGroup, 0.006);
        var (_, independentSame, _) = Rates(SyntheticFeatureModel.Create(options with { Correlation = 0 }), 40000);
        Assert.Equal(3.0 / 16 * 3.0 / 16, independentSame, 0.006);
    }

    /// <summary>Firing rate per feature, and the mean co-firing rate of pairs in the same group and in different groups.</summary>
    private static (double[] Firing, double SameGroup, double OtherGroup) Rates(SyntheticFeatureModel model, int n)
    {
        int f = model.Options.Features;
        var active = new int[n][];
        model.Sample(n, new Random(5), active);
        var firing = new double[f];
        var pair = new double[f, f];
        foreach (var set in active)
            foreach (int i in set)
            {
                firing[i] += 1.0 / n;
                foreach (int j in set) pair[i, j] += 1.0 / n;
            }
        var group = new int[f];
        for (int g = 0; g < model.Groups.Count; g++)
            foreach (int i in model.Groups[g]) group[i] = g;
        double same = 0, other = 0;
        int nSame = 0, nOther = 0;
        for (int i = 0; i < f; i++)
            for (int j = 0; j < f; j++)
            {
                if (i == j) continue;
                if (group[i] == group[j]) { same += pair[i, j]; nSame++; }
                else { other += pair[i, j]; nOther++; }
            }
        return (firing, same / nSame, other / nOther);
    }

    private static double[] LeastSquares(float[] rows, int f, int d, float[] y)
    {
        // Solve Dᵀc = y for c, with D [f, d] and f = d, by Gaussian elimination with partial pivoting.
        var a = new double[d, f + 1];
        for (int r = 0; r < d; r++)
        {
            for (int i = 0; i < f; i++) a[r, i] = rows[i * d + r];
            a[r, f] = y[r];
        }
        for (int col = 0; col < f; col++)
        {
            int pivot = Enumerable.Range(col, d - col).MaxBy(r => Math.Abs(a[r, col]));
            for (int c = 0; c <= f; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (int r = 0; r < d; r++)
            {
                if (r == col) continue;
                double m = a[r, col] / a[col, col];
                for (int c = col; c <= f; c++) a[r, c] -= m * a[col, c];
            }
        }
        return Enumerable.Range(0, f).Select(i => a[i, f] / a[i, i]).ToArray();
    }
}
