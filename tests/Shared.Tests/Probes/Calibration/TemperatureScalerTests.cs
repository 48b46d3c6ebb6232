using ProbeMonitor.Probes.Calibration;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Calibration;

public sealed class TemperatureScalerTests
{
    /// <summary>The best temperature on a log grid of 1e-2 … 1e2, by brute force over the NLL written out in the test.</summary>
    private static (double T, double Nll) GridSearch(double[] logits, bool[] labels, int points)
    {
        double bestT = double.NaN, bestNll = double.PositiveInfinity;
        for (int g = 0; g < points; g++)
        {
            double t = Math.Pow(10, -2 + 4.0 * g / (points - 1));
            double nll = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double p = 1.0 / (1.0 + Math.Exp(-logits[i] / t));
                nll -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
            }
            nll /= logits.Length;
            if (nll < bestNll) (bestT, bestNll) = (t, nll);
        }
        return (bestT, bestNll);
    }

    [Theory]
    [InlineData(1, 1.0)]  // logits over-confident relative to the data: T > 1
    [InlineData(2, 6.0)]
    [InlineData(3, 0.3)]  // under-confident: T < 1
    public void Fit_matches_a_brute_force_grid(int seed, double logitScale)
    {
        var (raw, labels) = ProbeTestData.TwoGaussians(seed, n: 800, separation: 1.6);
        var logits = raw.Select(z => z * logitScale).ToArray();
        const int points = 4001;
        var (gridT, gridNll) = GridSearch(logits, labels, points);
        var fitted = TemperatureScaler.Fit(logits, labels);

        double gridStep = Math.Log(10) * 4.0 / (points - 1);
        Assert.True(Math.Abs(Math.Log(fitted.Temperature) - Math.Log(gridT)) <= gridStep,
            $"fitted T={fitted.Temperature}, grid T={gridT}");
        Assert.True(TemperatureScaler.NegativeLogLikelihood(logits, labels, fitted.Temperature) <= gridNll + 1e-12);
    }

    [Fact]
    public void Recovers_the_temperature_that_generated_the_labels()
    {
        var rng = new Random(17);
        const double trueT = 2.5;
        var logits = new double[20000];
        var labels = new bool[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = 4 * ProbeTestData.NextGaussian(rng);
            labels[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-logits[i] / trueT));
        }
        Assert.Equal(trueT, TemperatureScaler.Fit(logits, labels).Temperature, 0.15);
    }

    [Fact]
    public void Separable_data_hits_the_lower_bound_and_output_stays_monotone()
    {
        var fitted = TemperatureScaler.Fit([-2.0, -1, 1, 2], [false, false, true, true]);
        Assert.Equal(TemperatureScaler.MinTemperature, fitted.Temperature);
        double previous = 0;
        for (double z = -5; z <= 5; z += 0.25)
        {
            double p = fitted.Apply(z);
            Assert.InRange(p, 0.0, 1.0);
            Assert.True(p >= previous);
            previous = p;
        }
    }

    [Fact]
    public void All_zero_logits_are_refused()
    {
        Assert.Contains("every logit is zero",
            Assert.Throws<ArgumentException>(() => TemperatureScaler.Fit([0.0, 0.0], [true, false])).Message);
    }
}
