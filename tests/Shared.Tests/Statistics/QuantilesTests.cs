using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics;

public sealed class QuantilesTests
{
    [Fact]
    public void Linear_interpolation_by_hand()
    {
        double[] x = [4, 1, 3, 2]; // sorted 1 2 3 4, h = 3q
        Assert.Equal(1, Quantiles.Linear(x, 0));
        Assert.Equal(4, Quantiles.Linear(x, 1));
        Assert.Equal(2.5, Quantiles.Linear(x, 0.5));
        Assert.Equal(1.3, Quantiles.Linear(x, 0.1), 15); // h = 0.3
        Assert.Equal(7, Quantiles.Linear([7.0], 0.99));
        Assert.Equal([4, 1, 3, 2], x); // input untouched
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.Linear(x, 1.5));
        Assert.Throws<ArgumentException>(() => Quantiles.Linear(ReadOnlySpan<double>.Empty, 0.5));
    }

    [PeerFact("python:numpy")]
    public void Matches_numpy_quantile_bit_for_bit()
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, 997).Select(_ => Math.Exp(rng.NextDouble() * 6) - 20).ToArray();
        double[] qs = [0, 0.001, 0.01, 0.025, 0.1, 1.0 / 3, 0.5, 0.9, 0.975, 0.99, 0.999, 1];
        var result = PythonJson.Run("print(json.dumps(np.quantile(np.array(data['x']), data['q']).tolist()))", new { x, q = qs });
        Assert.Equal(PythonJson.Doubles(result), Quantiles.Linear(x, qs));
    }
}
