using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Scoring;

public sealed class ProbeScorerTests : IDisposable
{
    private readonly TestBundles _bundles = new();
    private readonly DenseProbe _dense;
    private readonly SaeProbe _sae;
    private readonly DenseProbe _answer;
    private readonly ProbeSet _set;

    public ProbeScorerTests()
    {
        _dense = _bundles.WriteDense("tox-dense");
        _sae = _bundles.WriteSae("tox-sae");
        _answer = _bundles.WriteDense("ans-dense", ProbeManifest.AnswerabilityTask, seed: 5, covariance: false);
        var loaded = BundleDirectory.LoadAll(_bundles.Root);
        Assert.Empty(loaded.Errors);
        _set = ProbeSet.Build(loaded.Bundles, new ProbeScoringOptions(DriftWindow.ByCount(1000, 10, 5), TransferRiskOptions.Default)).Set;
    }

    public void Dispose() => _bundles.Dispose();

    private static float[] Rows(int seed, int n, double scale = 1.0) => TestBundles.Gaussian(new Random(seed), n * TestBundles.D, scale);

    [Fact]
    public void Scores_equal_a_direct_computation()
    {
        const int n = 6;
        var x = Rows(3, n, 2.0);
        var scores = new ProbeScorer(() => _set).Score(PooledBatch.Single(Pooling.Last, x, n, TestBundles.D, layer: 20));

        Assert.Equal(["ans-dense", "tox-dense", "tox-sae"], scores.ProbeIds);
        Assert.Equal(n, scores.Requests.Count);
        for (int r = 0; r < n; r++)
        {
            var row = x.AsSpan(r * TestBundles.D, TestBundles.D);
            var byId = scores.Requests[r].Scores.ToDictionary(s => s.ProbeId);

            var dense = byId["tox-dense"];
            double z = TestBundles.DenseLogit(_dense, row);
            AssertFloat32Close(z, dense.Logit);
            double p = 1 / (1 + Math.Exp(-(TestBundles.PlattA * dense.Logit + TestBundles.PlattB)));
            Assert.Equal(p, dense.Probability, 12);
            Assert.Equal(p >= 0.5, dense.Decision);
            Assert.Equal((ProbeKind.Dense, ProbeManifest.ToxicityTask, 0.5), (dense.Kind, dense.Task, dense.Threshold));
            // Distances come from a float GEMM (BatchedMahalanobis): about 1e-6 relative to the double formula.
            double d2 = TestBundles.MahalanobisSquared(row);
            Assert.Equal(d2, dense.MahalanobisSquared!.Value, 1e-6 * d2);
            Assert.Equal(dense.MahalanobisSquared > TestBundles.P99, dense.IsOod);
            Assert.Null(dense.FiringLatents);

            var sae = byId["tox-sae"];
            var (_, saeLogit) = TestBundles.SaeLogit(_sae, row);
            AssertFloat32Close(saeLogit, sae.Logit);
            Assert.Equal(1 / (1 + Math.Exp(-sae.Logit / TestBundles.Temperature)), sae.Probability, 12);

            var answer = byId["ans-dense"];
            Assert.Null(answer.MahalanobisSquared);
            Assert.Null(answer.IsOod);

            var drift = scores.Requests[r].Drift;
            Assert.Equal(Math.Abs(sae.Probability - dense.Probability), drift.SaeDenseDisagreement!.Value, 15);
            Assert.Equal(sae.Decision != dense.Decision, drift.DecisionsDisagree);
            // Both toxicity probes share one reference, so the request-level OOD score is its distance.
            Assert.Equal(Math.Sqrt(d2), drift.ActivationOodScore!.Value, 1e-6 * Math.Sqrt(d2));
            Assert.Equal(drift.MahalanobisSquared > TestBundles.P99, drift.ActivationOod);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    [InlineData(8)] // more than the SAE has: every firing latent
    public void Explain_lists_firing_latents_by_effect_on_the_logit(int topK)
    {
        const int n = 40;
        var x = Rows(4, n, 3.0);
        var scores = new ProbeScorer(() => _set).Score(PooledBatch.AnyPooling(x, n, TestBundles.D),
            new ScoreOptions(["tox-sae", "tox-dense"], Explain: true, ExplainTopK: topK));
        Assert.Equal(["tox-sae", "tox-dense"], scores.ProbeIds);
        var p = _sae.Parameters;
        int explained = 0;
        for (int r = 0; r < n; r++)
        {
            var (latents, _) = TestBundles.SaeLogit(_sae, x.AsSpan(r * TestBundles.D, TestBundles.D));
            var expected = Enumerable.Range(0, 3).Where(j => latents[j] > 0)
                .Select(j => (Id: p.LatentIds[j], A: latents[j], Margin: latents[j] - p.Thresholds[j], Effect: p.Weights[j] / p.LatentScale![j] * latents[j]))
                .OrderByDescending(e => Math.Abs(e.Effect)).Take(topK).ToList();
            var got = scores.Requests[r].Scores[0].FiringLatents!;
            Assert.Equal(expected.Select(e => e.Id), got.Select(f => f.LatentId));
            for (int i = 0; i < got.Count; i++)
            {
                AssertFloat32Close(expected[i].A, got[i].Activation);
                AssertFloat32Close(expected[i].Margin, got[i].MarginOverThreshold);
                AssertFloat32Close(expected[i].Effect, got[i].Contribution);
            }
            Assert.Null(scores.Requests[r].Scores[1].FiringLatents); // dense probes have nothing to explain
            explained += got.Count;
        }
        Assert.True(explained > 10, $"only {explained} latents fired over {n} rows; the test data should make them fire");
    }

    [Fact]
    public void Scoring_feeds_the_drift_windows_unless_told_not_to()
    {
        var scorer = new ProbeScorer(() => _set);
        var x = Rows(5, 7);
        scorer.Score(PooledBatch.AnyPooling(x, 7, TestBundles.D), new ScoreOptions(RecordDrift: false));
        Assert.All(_set.Probes, p => Assert.Equal(0, p.Drift.Snapshot().WindowCount));
        var scores = scorer.Score(PooledBatch.AnyPooling(x, 7, TestBundles.D));
        Assert.All(_set.Probes, p => Assert.Equal(7, p.Drift.Snapshot().WindowCount));

        var dense = _set.Get("tox-dense").Drift.Snapshot();
        Assert.Equal(scores.Requests.Count(r => r.Scores[1].Decision) / 7.0, dense.WindowPositiveRate, 15);
        Assert.Equal(7, dense.DistanceCount);
        Assert.Equal(0, _set.Get("ans-dense").Drift.Snapshot().DistanceCount);
        Assert.Equal(7, _set.Get("tox-sae").Drift.Snapshot().LatentRecordCount);

        var pair = Assert.Single(_set.DisagreementPairs);
        Assert.Equal(("tox-sae", "tox-dense"), (pair.SaeProbeId, pair.DenseProbeId));
        var disagreement = pair.Snapshot();
        Assert.Equal(7, disagreement.WindowCount);
        Assert.Equal(scores.Requests.Count(r => r.Drift.DecisionsDisagree), disagreement.Disagreements);

        var status = _set.DriftStatus().ToDictionary(s => s.ProbeId);
        Assert.Equal(disagreement.DisagreementRate, status["tox-dense"].Snapshot.DisagreementRate, 15);
        Assert.True(double.IsNaN(status["ans-dense"].Snapshot.DisagreementRate));
        Assert.InRange(status["tox-sae"].Risk.Risk, 0, 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(70)] // 64 rows and more take the GEMM's other kernel
    public void Logits_are_each_probes_own_bit_for_bit_and_drift_counts_equal_single_records(int n)
    {
        var x = Rows(20 + n, n, 2.0);
        var scores = new ProbeScorer(() => _set).Score(PooledBatch.AnyPooling(x, n, TestBundles.D));
        // A second set over the same bundles, its windows fed one request at a time through the trackers' own Record.
        var reference = ProbeSet.Build(BundleDirectory.LoadAll(_bundles.Root).Bundles, _set.Options).Set;
        var logits = new float[n];
        for (int i = 0; i < _set.Count; i++)
        {
            var p = _set.Probes[i];
            var latents = new float[n * (p.SaeProbe?.LatentCount ?? 0)];
            if (p.SaeProbe is { } sae) sae.ScoreLogits(x, n, logits, latents);
            else p.Probe.ScoreLogits(x, n, logits);
            for (int r = 0; r < n; r++)
            {
                var s = scores.Requests[r].Scores[i];
                Assert.Equal(BitConverter.SingleToInt32Bits(logits[r]), BitConverter.SingleToInt32Bits(s.Logit));
                Assert.Equal(p.Calibrate(logits[r]), s.Probability);
                int k = p.SaeProbe?.LatentCount ?? 0;
                reference.Probes[i].Drift.Record(s.Probability, s.Decision, s.MahalanobisSquared, latents.AsSpan(r * k, k));
            }
        }
        var pair = Assert.Single(reference.DisagreementPairs);
        int sI = scores.ProbeIds.ToList().IndexOf(pair.SaeProbeId), dI = scores.ProbeIds.ToList().IndexOf(pair.DenseProbeId);
        foreach (var request in scores.Requests)
            pair.Record(request.Scores[sI].Decision, request.Scores[dI].Decision, request.Scores[sI].Probability, request.Scores[dI].Probability);

        for (int i = 0; i < _set.Count; i++)
        {
            var (expected, actual) = (reference.Probes[i].Drift.Snapshot(), _set.Probes[i].Drift.Snapshot());
            Assert.Equal(n, actual.WindowCount);
            Assert.Equal(expected.WindowLatentFiringRates, actual.WindowLatentFiringRates);
            Assert.Equal(expected with { WindowLatentFiringRates = null }, actual with { WindowLatentFiringRates = null });
        }
        Assert.Equal(pair.Snapshot(), _set.DisagreementPairs[0].Snapshot());
    }

    [Fact]
    public void Unknown_probe_ids_are_named()
    {
        var scorer = new ProbeScorer(() => _set);
        var batch = PooledBatch.AnyPooling(Rows(6, 1), 1, TestBundles.D);
        var e = Assert.Throws<UnknownProbeException>(() => scorer.Score(batch, new ScoreOptions(["tox-dense", "nope", "gone"])));
        Assert.Equal(["nope", "gone"], e.UnknownIds);
        Assert.Contains("'nope'", e.Message);
        Assert.Contains("tox-sae", e.Message); // lists what is loaded
        Assert.Throws<UnknownProbeException>(() => new ProbeScorer(() => ProbeSet.Empty).Score(batch));
    }

    [Fact]
    public void Bad_activations_get_clear_errors()
    {
        var scorer = new ProbeScorer(() => _set);
        var x = Rows(7, 3);
        x[TestBundles.D + 2] = float.NaN;
        var nan = Assert.Throws<InvalidActivationsException>(() => PooledBatch.AnyPooling(x, 3, TestBundles.D));
        Assert.Contains("row 1, element 2", nan.Message);
        x[TestBundles.D + 2] = float.PositiveInfinity;
        Assert.Throws<InvalidActivationsException>(() => PooledBatch.AnyPooling(x, 3, TestBundles.D));

        var size = Assert.Throws<InvalidActivationsException>(() => PooledBatch.AnyPooling(new float[20], 3, TestBundles.D));
        Assert.Contains("hold 20 floats but 3 rows × d_model 8 = 24", size.Message);

        var wide = Assert.Throws<InvalidActivationsException>(() => scorer.Score(PooledBatch.AnyPooling(new float[18], 2, 9)));
        Assert.Contains("d_model 8", wide.Message);
        var layer = Assert.Throws<InvalidActivationsException>(() => scorer.Score(PooledBatch.AnyPooling(new float[16], 2, 8, layer: 12)));
        Assert.Contains("layer 20", layer.Message);
        var pooling = Assert.Throws<InvalidActivationsException>(() => scorer.Score(PooledBatch.Single(Pooling.Mean, new float[16], 2, 8)));
        Assert.Contains("last-pooled", pooling.Message);
    }

    [Fact]
    public void An_empty_batch_scores_to_nothing()
    {
        var scores = new ProbeScorer(() => _set).Score(PooledBatch.AnyPooling(Array.Empty<float>(), 0, TestBundles.D));
        Assert.Empty(scores.Requests);
        Assert.Equal(3, scores.ProbeIds.Count);
    }

    /// <summary>The scorer computes in float32 while the references here use double: compare with a relative tolerance, not by rounding to decimals (rounding flips at .5 boundaries).</summary>
    private static void AssertFloat32Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
