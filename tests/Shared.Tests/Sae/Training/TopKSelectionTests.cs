using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>Training's TopK selection against the inference activation and a sort-based reference, ties and non-positives included.</summary>
public sealed class TopKSelectionTests
{
    [Theory]
    [InlineData(1, 37, 5)]
    [InlineData(2, 300, 16)]
    [InlineData(3, 1000, 64)]
    [InlineData(4, 20, 20)]
    [InlineData(5, 70, 90)]
    public void Selects_what_inference_TopK_keeps_with_low_id_ties(int seed, int width, int k)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            // Few distinct values, about a third non-positive, and an occasional NaN: ties and skips everywhere.
            var row = Enumerable.Range(0, width).Select(_ => rng.Next(10) == 0 ? float.NaN : (float)(rng.Next(-6, 12) / 4.0)).ToArray();
            var latents = new int[Math.Min(k, width)];
            var values = new float[latents.Length];
            int n = TopKSelection.SelectPositive(row, latents.Length, latents, values);

            var expected = Enumerable.Range(0, width).Where(j => row[j] > 0).OrderByDescending(j => row[j]).ThenBy(j => j).Take(k).Order().ToArray();
            Assert.Equal(expected, latents[..n]);
            Assert.Equal(expected.Select(j => row[j]), values[..n]);

            var dense = row.Select(v => float.IsNaN(v) ? float.NegativeInfinity : v).ToArray();
            LatentActivation.TopK(dense, Math.Min(k, width));
            Assert.Equal(Enumerable.Range(0, width).Where(j => dense[j] != 0f), latents[..n]);
        }
    }

    [Fact]
    public void Candidate_restricted_selection_only_considers_the_candidates()
    {
        float[] row = [5, 4, 3, 2, 1, 0.5f, -1];
        var latents = new int[2];
        var values = new float[2];
        int n = TopKSelection.SelectPositive(row, [1, 3, 5, 6], 2, latents, values);
        Assert.Equal(2, n);
        Assert.Equal([1, 3], latents);
        Assert.Equal([4f, 2f], values);
    }
}
