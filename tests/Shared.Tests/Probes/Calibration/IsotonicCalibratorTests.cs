using System.Text.Json;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Calibration;

public sealed class IsotonicCalibratorTests
{
    [Fact]
    public void Pools_adjacent_violators_as_computed_by_hand()
    {
        // y = .1 .3 .2 .4 .3 .5: the pairs (.3,.2) and (.4,.3) violate and pool to .25 and .35.
        var iso = IsotonicCalibrator.Fit([1.0, 2, 3, 4, 5, 6], [0.1, 0.3, 0.2, 0.4, 0.3, 0.5]);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], iso.X);
        Assert.Equal(new[] { 0.1, 0.25, 0.25, 0.35, 0.35, 0.5 }, iso.Y.ToArray(), (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.Equal(0.3, iso.Apply(3.5), 1e-15);   // halfway between the two pooled blocks
        Assert.Equal(0.1, iso.Apply(-7), 15);      // clipped below
        Assert.Equal(0.5, iso.Apply(99), 15);      // clipped above
    }

    [Fact]
    public void Ties_merge_to_their_mean_and_constant_runs_keep_only_their_ends()
    {
        var iso = IsotonicCalibrator.Fit([0.0, 0, 1, 2, 3, 4], [0.0, 1, 0.5, 0.5, 0.5, 1]);
        // (0 → 0.5), then 0.5 0.5 0.5: the interior points 1 and 2 of the constant run 0..3 are dropped.
        Assert.Equal([0.0, 3, 4], iso.X);
        Assert.Equal([0.5, 0.5, 1.0], iso.Y);
    }

    [PeerFact("python:sklearn")]
    public void Matches_sklearn_isotonic_regression_with_clipping()
    {
        var (logits, labels) = ProbeTestData.TwoGaussians(seed: 4, n: 500, separation: 1.8, std: 1.2, positiveRate: 0.4);
        // Rounding makes ties, which sklearn merges before pooling.
        for (int i = 0; i < logits.Length; i++) logits[i] = Math.Round(logits[i], 1);
        var grid = Enumerable.Range(-60, 121).Select(i => i * 0.1 + 0.03).ToArray();
        const string script = """
            import json, sys
            import numpy as np
            from sklearn.isotonic import IsotonicRegression
            d = json.load(sys.stdin)
            iso = IsotonicRegression(out_of_bounds="clip").fit(np.array(d["x"]), np.array(d["y"]))
            print(json.dumps({"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist(), "p": iso.predict(np.array(d["grid"])).tolist()}))
            """;
        var stdin = $$"""{"x": {{ProbeTestData.JsonArray(logits)}}, "y": {{ProbeTestData.JsonArray(labels.Select(l => l ? 1.0 : 0.0))}}, "grid": {{ProbeTestData.JsonArray(grid)}}}""";
        using var peer = JsonDocument.Parse(Peers.RunPython(script, stdin));
        double[] Read(string name) => peer.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

        var iso = IsotonicCalibrator.Fit(logits, labels);
        var skX = Read("x");
        var skY = Read("y");
        Assert.Equal(skX, iso.X);
        Assert.Equal(skY.Length, iso.Y.Count);
        for (int i = 0; i < skY.Length; i++) Assert.Equal(skY[i], iso.Y[i], 1e-12);
        var skP = Read("p");
        for (int i = 0; i < grid.Length; i++) Assert.Equal(skP[i], iso.Apply(grid[i]), 1e-12);
        Assert.True(skX.Length > 5, "the fit should have several steps");
    }

    [Fact]
    public void Output_is_monotone_and_in_the_unit_interval()
    {
        var (logits, labels) = ProbeTestData.TwoGaussians(seed: 5, n: 300, separation: 1.0);
        var iso = IsotonicCalibrator.Fit(logits, labels);
        double previous = double.NegativeInfinity;
        for (double z = -8; z <= 8; z += 0.01)
        {
            double p = iso.Apply(z);
            Assert.InRange(p, 0.0, 1.0);
            Assert.True(p >= previous - 1e-15, $"decreases at {z}");
            previous = p;
        }
    }

    [Fact]
    public void Knots_that_are_not_monotone_are_refused()
    {
        Assert.Contains("must increase strictly", Assert.Throws<ArgumentException>(() => new IsotonicCalibrator([0, 0], [0.1, 0.2])).Message);
        Assert.Contains("must not decrease", Assert.Throws<ArgumentException>(() => new IsotonicCalibrator([0, 1], [0.2, 0.1])).Message);
        Assert.Contains("outside [0, 1]", Assert.Throws<ArgumentException>(() => new IsotonicCalibrator([0, 1], [0.2, 1.1])).Message);
    }
}
