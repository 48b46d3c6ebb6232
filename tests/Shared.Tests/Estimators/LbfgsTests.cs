using ProbeMonitor.Estimators.Optimization;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Estimators;

public sealed class LbfgsTests
{
    private static double Rosenbrock(ReadOnlySpan<double> p, Span<double> g)
    {
        double f = 0;
        g.Clear();
        for (int i = 0; i + 1 < p.Length; i++)
        {
            double a = p[i + 1] - p[i] * p[i], b = 1 - p[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * p[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    [Fact]
    public void Finds_the_Rosenbrock_minimum()
    {
        // Known minimum: all ones, f = 0, from the classic start (−1.2, 1, −1.2, 1, …).
        var x = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        var result = Lbfgs.Minimize(Rosenbrock, x, new LbfgsOptions(GradientTolerance: 1e-9, RelativeFunctionTolerance: 0));
        Assert.True(result.Converged, result.ToString());
        Assert.Equal(LbfgsStop.GradientTolerance, result.Stop);
        foreach (var v in x) Assert.Equal(1.0, v, 1e-6);
        Assert.True(result.Value < 1e-12);
    }

    [Fact]
    public void Solves_a_quadratic_to_the_linear_system_solution()
    {
        // f = ½xᵀAx − bᵀx with A = diag(1..50) has minimiser x = b ./ diag.
        const int n = 50;
        var b = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1)).ToArray();
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                g[i] = (i + 1) * x[i] - b[i];
                f += 0.5 * (i + 1) * x[i] * x[i] - b[i] * x[i];
            }
            return f;
        }
        var x = new double[n];
        var result = Lbfgs.Minimize(F, x, new LbfgsOptions(GradientTolerance: 1e-12, RelativeFunctionTolerance: 0));
        // With no relative-decrease rule it runs until f stops changing at rounding level, i.e. x within ~√ε of the solution.
        Assert.True(result.Converged, result.ToString());
        for (int i = 0; i < n; i++) Assert.Equal(b[i] / (i + 1), x[i], 1e-7);
    }

    [Fact]
    public void Stops_at_the_iteration_limit_and_says_so()
    {
        var x = new[] { -1.2, 1.0 };
        var result = Lbfgs.Minimize(Rosenbrock, x, new LbfgsOptions(MaxIterations: 3));
        Assert.Equal(LbfgsStop.MaxIterations, result.Stop);
        Assert.Equal(3, result.Iterations);
        Assert.False(result.Converged);
    }

    [Fact]
    public void Returns_at_once_from_a_stationary_start()
    {
        var x = new[] { 1.0, 1.0 };
        var result = Lbfgs.Minimize(Rosenbrock, x);
        Assert.Equal(0, result.Iterations);
        Assert.Equal(1, result.Evaluations);
    }

    [Fact]
    public void Rejects_a_non_finite_start()
    {
        var x = new[] { double.NaN };
        Assert.Throws<ArgumentException>(() => Lbfgs.Minimize((p, g) => { g[0] = p[0]; return p[0] * p[0]; }, x));
    }
}
