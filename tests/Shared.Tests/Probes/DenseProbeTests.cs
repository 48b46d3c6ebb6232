using ProbeMonitor.Probes;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes;

public sealed class DenseProbeTests
{
    private static double NaiveLogit(DenseProbeWeights p, ReadOnlySpan<float> x)
    {
        double sum = p.Bias;
        for (int j = 0; j < x.Length; j++)
        {
            double v = x[j];
            if (p.Mean is not null && p.Scale is not null) v = (v - p.Mean[j]) / p.Scale[j];
            sum += p.Weights[j] * v;
        }
        return sum;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Batch_scores_match_a_naive_loop(bool standardize)
    {
        var rng = new Random(11);
        const int d = 37, n = 9;
        var p = new DenseProbeWeights(
            ProbeTestData.Gaussian(rng, d, 0.3), 0.25f,
            standardize ? ProbeTestData.Gaussian(rng, d, 2.0) : null,
            standardize ? ProbeTestData.Uniform(rng, d, 0.5, 3.0) : null);
        var probe = new DenseProbe("dense-a", d, p);
        var x = ProbeTestData.Gaussian(rng, n * d, 2.0);
        var logits = new float[n];
        probe.ScoreLogits(x, n, logits);
        for (int i = 0; i < n; i++)
            Assert.Equal(NaiveLogit(p, x.AsSpan(i * d, d)), logits[i], 1e-4);
        Assert.Equal(ProbeKind.Dense, probe.Kind);
        Assert.Equal(d, probe.InputDim);
    }

    [Fact]
    public void Huge_residual_dimensions_do_not_cancel_away_the_signal()
    {
        // Gemma-2 has a few residual dimensions in the thousands; the probe must centre before the dot product.
        const int d = 8;
        var x = new float[d];
        var mean = new float[d];
        var scale = new float[d];
        var w = new float[d];
        for (int j = 0; j < d; j++) { mean[j] = 30000f; x[j] = 30000.3f; scale[j] = 0.5f; w[j] = 1f; }
        var probe = new DenseProbe("dense-huge", d, new DenseProbeWeights(w, 0f, mean, scale));
        var logits = new float[1];
        probe.ScoreLogits(x, 1, logits);
        // Folding the mean into the bias would leave an error of about one float ulp at 480000 (0.03).
        Assert.Equal(d * ((double)30000.3f - 30000.0) / 0.5, logits[0], 1e-5);
    }

    [Fact]
    public void Zero_rows_is_a_no_op()
    {
        var probe = new DenseProbe("dense-empty", 4, new DenseProbeWeights(new float[4], 1f));
        probe.ScoreLogits(ReadOnlySpan<float>.Empty, 0, Span<float>.Empty);
    }

    [Fact]
    public void Wrong_dimension_is_refused_naming_the_probe_and_d_model()
    {
        var probe = new DenseProbe("answerability-l20", 6, new DenseProbeWeights(new float[6], 0f));
        var ex = Assert.Throws<ArgumentException>(() => probe.ScoreLogits(new float[10], 2, new float[2]));
        Assert.Contains("answerability-l20", ex.Message);
        Assert.Contains("rows of 5 floats", ex.Message);
        Assert.Contains("d_model is 6", ex.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_input_is_refused_naming_row_and_element(float bad)
    {
        const int d = 19;
        var probe = new DenseProbe("tox", d, new DenseProbeWeights(new float[d], 0f));
        var x = new float[3 * d];
        x[2 * d + 17] = bad;
        var ex = Assert.Throws<ArgumentException>(() => probe.ScoreLogits(x, 3, new float[3]));
        Assert.Contains("'tox'", ex.Message);
        Assert.Contains("row 2, element 17", ex.Message);
    }

    [Fact]
    public void Short_logit_buffer_is_refused()
    {
        var probe = new DenseProbe("tox", 2, new DenseProbeWeights(new float[2], 0f));
        var ex = Assert.Throws<ArgumentException>(() => probe.ScoreLogits(new float[6], 3, new float[2]));
        Assert.Contains("logits holds 2", ex.Message);
    }

    [Fact]
    public void Invalid_parameters_are_refused_at_construction()
    {
        Assert.Contains("weights has 3 elements but 4",
            Assert.Throws<ArgumentException>(() => new DenseProbe("p", 4, new DenseProbeWeights(new float[3], 0f))).Message);
        Assert.Contains("scale[1] is 0",
            Assert.Throws<ArgumentException>(() => new DenseProbe("p", 2, new DenseProbeWeights(new float[2], 0f, new float[2], [1f, 0f]))).Message);
        Assert.Contains("both mean and scale",
            Assert.Throws<ArgumentException>(() => new DenseProbe("p", 2, new DenseProbeWeights(new float[2], 0f, new float[2]))).Message);
        Assert.Contains("bias is NaN",
            Assert.Throws<ArgumentException>(() => new DenseProbe("p", 2, new DenseProbeWeights(new float[2], float.NaN))).Message);
    }
}
