using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Calibration;

public sealed class PlattScalerTests
{
    /// <summary>
    /// The peer is scikit-learn's own <c>_SigmoidCalibration</c>, the estimator <c>CalibratedClassifierCV(method='sigmoid')</c>
    /// fits on the decision function. It is chosen over LogisticRegression(C=huge) on the 1-D logit because that would fit
    /// hard 0/1 targets, not Platt's smoothed (N₊+1)/(N₊+2) and 1/(N₋+2), and so solves a different problem.
    /// </summary>
    [PeerFact("python:sklearn")]
    public void Matches_sklearn_sigmoid_calibration()
    {
        var (logits, labels) = ProbeTestData.TwoGaussians(seed: 21, n: 600, separation: 2.0, std: 1.3, positiveRate: 0.35);
        // sklearn's slope is relative to the scale of the decision function; a non-unit scale and offset checks both parameters.
        for (int i = 0; i < logits.Length; i++) logits[i] = 3.0 * logits[i] + 0.7;
        var grid = Enumerable.Range(-40, 81).Select(i => i * 0.25).ToArray();
        const string script = """
            import json, sys
            import numpy as np
            from sklearn.calibration import _SigmoidCalibration
            d = json.load(sys.stdin)
            cal = _SigmoidCalibration().fit(np.array(d["logits"]), np.array(d["labels"]))
            print(json.dumps({"a": float(cal.a_), "b": float(cal.b_), "p": cal.predict(np.array(d["grid"])).tolist()}))
            """;
        var stdin = $$"""{"logits": {{ProbeTestData.JsonArray(logits)}}, "labels": {{ProbeTestData.JsonArray(labels.Select(l => l ? 1.0 : 0.0))}}, "grid": {{ProbeTestData.JsonArray(grid)}}}""";
        using var peer = JsonDocument.Parse(Peers.RunPython(script, stdin));
        double skA = peer.RootElement.GetProperty("a").GetDouble(), skB = peer.RootElement.GetProperty("b").GetDouble();

        var platt = PlattScaler.Fit(logits, labels);
        // sklearn writes sigmoid(−(a·f + b)); BFGS stops at gradient norm 1e-5, so parameters agree to about 1e-6.
        Assert.Equal(-skA, platt.A, 1e-5);
        Assert.Equal(-skB, platt.B, 1e-5);
        var skP = peer.RootElement.GetProperty("p").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int i = 0; i < grid.Length; i++) Assert.Equal(skP[i], platt.Apply(grid[i]), 1e-6);

        // Newton reaches the optimum, so its objective is no worse than sklearn's.
        int pos = labels.Count(l => l), neg = labels.Length - pos;
        double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (neg + 2.0);
        Assert.True(PlattScaler.Loss(logits, labels, platt.A, platt.B, hi, lo) <= PlattScaler.Loss(logits, labels, -skA, -skB, hi, lo) + 1e-9);
    }

    [Fact]
    public void Fit_is_a_stationary_point_of_Platts_objective()
    {
        var (logits, labels) = ProbeTestData.TwoGaussians(seed: 3, n: 400, separation: 1.5);
        var platt = PlattScaler.Fit(logits, labels);
        int pos = labels.Count(l => l), neg = labels.Length - pos;
        double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (neg + 2.0);
        double f0 = PlattScaler.Loss(logits, labels, platt.A, platt.B, hi, lo);
        // Central differences of the objective vanish at the minimum, and every nearby point is higher.
        const double h = 1e-4;
        foreach (var (da, db) in new[] { (h, 0.0), (0.0, h), (h, h), (h, -h) })
        {
            double plus = PlattScaler.Loss(logits, labels, platt.A + da, platt.B + db, hi, lo);
            double minus = PlattScaler.Loss(logits, labels, platt.A - da, platt.B - db, hi, lo);
            Assert.True(Math.Abs(plus - minus) / (2 * h) < 1e-5, $"gradient along ({da},{db}) is {(plus - minus) / (2 * h)}");
            Assert.True(plus > f0 && minus > f0);
        }
    }

    [Fact]
    public void Separable_data_gives_a_finite_monotone_calibrator_in_the_unit_interval()
    {
        double[] logits = [-3, -2, -1, 1, 2, 3];
        bool[] labels = [false, false, false, true, true, true];
        var platt = PlattScaler.Fit(logits, labels);
        Assert.True(double.IsFinite(platt.A) && platt.A > 0);
        double previous = -1;
        for (double z = -50; z <= 50; z += 0.5)
        {
            double p = platt.Apply(z);
            Assert.InRange(p, 0.0, 1.0);
            Assert.True(p >= previous);
            previous = p;
        }
        // The smoothed targets 1/5 and 4/5 cap the fit: a logit of 1 cannot be driven to certainty.
        Assert.InRange(platt.Apply(1.0), 0.5, 0.99);
    }

    [Fact]
    public void One_class_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => PlattScaler.Fit([1.0, 2.0], [true, true]));
        Assert.Contains("both classes", ex.Message);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, "{0} positive", 2), ex.Message);
    }
}
