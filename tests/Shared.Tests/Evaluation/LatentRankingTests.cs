using System.Text.Json;
using ProbeMonitor.Evaluation;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class LatentRankingTests
{
    [Fact]
    public void Scores_follow_the_benchmark_formula_on_a_hand_worked_case()
    {
        // Latent 0 fires (value 2) on both positives only: mean when firing = 2/(2+1e-6), normalised values ≈ 1, diff ≈ 1.
        // Latent 1 fires (value 10) on one positive and one negative: normalised ≈ 1 on each, diff = 1/2 − 1/2 = 0.
        // Latent 2 never fires: 0.
        var dense = new float[] { 2, 10, 0, 2, 0, 0, 0, 10, 0, 0, 0, 0 };
        var y = new[] { 1, 1, 0, 0 };
        var score = LatentRanking.NormalizedMeanDifference(LatentMatrix.FromDense(dense, 4, 3), y);
        double m0 = 4 / (2 + 1e-6) + 1e-6;
        Assert.Equal(Math.Abs(4 / m0 / 2), score[0], 12);
        Assert.Equal(0, score[1], 12);
        Assert.Equal(0, score[2], 12);
        Assert.Equal([0, 1, 2], LatentRanking.Order(LatentMatrix.FromDense(dense, 4, 3), y));
    }

    [Fact]
    public void K_grid_is_powers_of_two_up_to_512_capped_at_the_width()
    {
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 512], LatentRanking.KGrid(16384));
        Assert.Equal([1, 2, 4, 8, 16, 32, 64], LatentRanking.KGrid(64));
        Assert.Equal([1, 2, 4], LatentRanking.KGrid(7));
    }

    [PeerFact("python:numpy")]
    public void Scores_equal_the_benchmarks_get_sorted_indices_new_in_numpy()
    {
        var rng = new Random(3);
        int n = 60, w = 25;
        var dense = new float[n * w];
        var y = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
        for (int i = 0; i < dense.Length; i++)
            if (rng.NextDouble() < 0.3) dense[i] = (float)(rng.NextDouble() * 5 + (i % w < 5 ? y[i / w] * 3 : 0));
        const string script = """
            import json, sys
            import numpy as np
            d = json.load(sys.stdin)
            X = np.array(d["x"], dtype=np.float32).astype(np.float64).reshape(d["n"], d["w"]); y = np.array(d["y"])
            col_means = X.sum(axis=0) / ((X != 0).sum(axis=0) + 1e-6)
            Xn = X / (col_means + 1e-6)
            diff = Xn[y == 1].mean(axis=0) - Xn[y == 0].mean(axis=0)
            print(json.dumps(np.abs(diff).tolist()))
            """;
        var expected = JsonSerializer.Deserialize<double[]>(Peers.RunPython(script, JsonSerializer.Serialize(new { x = dense, n, w, y })))!;
        var ours = LatentRanking.NormalizedMeanDifference(LatentMatrix.FromDense(dense, n, w), y);
        for (int j = 0; j < w; j++) Assert.Equal(expected[j], ours[j], 9);
    }
}
