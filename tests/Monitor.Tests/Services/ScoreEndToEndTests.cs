using Grpc.Health.V1;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;
using Xunit;
using WireDType = ProbeMonitor.Protocol.Activations.Types.DType;
using WirePooling = ProbeMonitor.Protocol.Activations.Types.Pooling;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>Score over real sockets with the gRPC client, against probabilities written out in double precision (<see cref="ServingBundles"/>).</summary>
public sealed class ScoreEndToEndTests(SidecarFixture fixture) : IClassFixture<SidecarFixture>
{
    private Sidecar Sidecar => fixture.Sidecar;
    private ServingBundles Bundles => fixture.Bundles;

    private void AssertMatches(float[] x, ScoreResponse response, string requestId)
    {
        Assert.Equal(requestId, response.RequestId);
        Assert.Equal(ServingBundles.Model, response.Model);
        Assert.Equal(ServingBundles.Layer, response.Layer);
        Assert.Equal([ServingBundles.DenseId, ServingBundles.SaeId], response.Scores.Select(s => s.ProbeId));
        var dense = response.Scores[0];
        var sae = response.Scores[1];
        double pDense = Bundles.DenseProbability(x);
        var (_, saeLogit, pSae) = Bundles.SaeProbability(x);
        Assert.Equal(pDense, dense.Probability, 1e-5);
        Assert.Equal(pSae, sae.Probability, 1e-5);
        Assert.Equal(saeLogit, sae.Logit, 1e-4);
        Assert.Equal(pDense >= ServingBundles.Threshold, dense.Decision);
        Assert.Equal(pSae >= ServingBundles.Threshold, sae.Decision);
        Assert.Equal((ProbeKind.Dense, ProbeKind.Sae), (dense.Kind, sae.Kind));
        Assert.All(response.Scores, s => Assert.Equal((ServingBundles.Task, (float)ServingBundles.Threshold), (s.Task, s.Threshold)));
        Assert.Empty(sae.FiringLatents); // not asked to explain
        Assert.Equal(ServingBundles.MahalanobisDistance(x), response.Drift.ActivationOodScore, 1e-4);
        Assert.Equal(ServingBundles.MahalanobisDistance(x) * ServingBundles.MahalanobisDistance(x) > ServingBundles.P99, response.Drift.ActivationOod);
        Assert.Equal(Math.Abs(pSae - pDense), response.Drift.SaeDenseDisagreement, 1e-5);
        Assert.True(response.Timings.TotalUs > 0);
        Assert.True(response.Timings.TotalUs >= response.Timings.QueueUs);
        Assert.Equal(0, response.Timings.ForwardUs); // pushed activations skip the model
    }

    [Fact]
    public async Task F32_activations_score_as_written_out()
    {
        for (int i = 0; i < 5; i++)
        {
            var x = ServingBundles.Vector(i);
            AssertMatches(x, await Sidecar.ScoreAsync(Sidecar.Request(x, requestId: $"f32-{i}")), $"f32-{i}");
        }
    }

    [Fact]
    public async Task BF16_and_F16_activations_score_as_their_float_values()
    {
        var x = ServingBundles.Vector(11);
        var bf16 = Sidecar.BFloat16Exact(x);
        AssertMatches(bf16, await Sidecar.ScoreAsync(Sidecar.Request(bf16, WireDType.Bf16, requestId: "bf16")), "bf16");
        var f16 = Sidecar.HalfExact(x);
        AssertMatches(f16, await Sidecar.ScoreAsync(Sidecar.Request(f16, WireDType.F16, requestId: "f16")), "f16");
    }

    [Fact]
    public async Task A_token_matrix_is_pooled_by_its_last_row_and_a_1_by_d_vector_is_one_vector()
    {
        var rows = Enumerable.Range(20, 3).Select(ServingBundles.Vector).ToArray();
        var matrix = rows.SelectMany(r => r).ToArray();
        var response = await Sidecar.ScoreAsync(Sidecar.Request(matrix, pooling: WirePooling.Last, shape: [3, ServingBundles.D], requestId: "tokens"));
        AssertMatches(rows[^1], response, "tokens");

        var one = await Sidecar.ScoreAsync(Sidecar.Request(rows[0], pooling: WirePooling.Last, shape: [1, ServingBundles.D], requestId: "one"));
        AssertMatches(rows[0], one, "one");
    }

    [Fact]
    public async Task Selected_probe_with_explanation_lists_its_firing_latents()
    {
        var x = ServingBundles.Vector(3);
        var request = Sidecar.Request(x);
        request.ProbeIds.Add(ServingBundles.SaeId);
        request.Explain = true;
        var response = await Sidecar.ScoreAsync(request);

        var score = Assert.Single(response.Scores);
        Assert.Equal(ServingBundles.SaeId, score.ProbeId);
        var (latents, _, p) = Bundles.SaeProbability(x);
        Assert.Equal(p, score.Probability, 1e-5);
        var parameters = Bundles.Sae.Parameters;
        var expected = Enumerable.Range(0, latents.Length).Where(j => latents[j] > 0)
            .Select(j => (Id: parameters.LatentIds[j], A: latents[j], Margin: latents[j] - parameters.Thresholds[j]))
            .OrderBy(l => l.Id).ToList();
        Assert.NotEmpty(expected);
        var got = score.FiringLatents.OrderBy(l => l.LatentId).ToList();
        Assert.Equal(expected.Select(e => e.Id), got.Select(g => g.LatentId));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].A, got[i].Activation, 1e-4);
            Assert.Equal(expected[i].Margin, got[i].MarginOverThreshold, 1e-4);
        }
        Assert.True(float.IsNaN(response.Drift.SaeDenseDisagreement)); // the dense partner was not scored
    }

    [Fact]
    public async Task Concurrent_calls_are_batched_and_each_gets_its_own_answer()
    {
        var tasks = Enumerable.Range(100, 200).Select(async i =>
        {
            var x = ServingBundles.Vector(i);
            var response = await Sidecar.ScoreAsync(Sidecar.Request(x, requestId: $"c{i}"));
            return (x, response, i);
        }).ToList();
        foreach (var (x, response, i) in await Task.WhenAll(tasks)) AssertMatches(x, response, $"c{i}");
    }

    [Fact]
    public async Task ListProbes_describes_both_bundles_and_health_is_serving()
    {
        var list = await Sidecar.Channel.UnaryCall(ProbeMonitorMethods.ListProbes, new ListProbesRequest(), Sidecar.Options());
        Assert.Equal(
            [
                (ServingBundles.DenseId, ProbeKind.Dense, "platt"),
                (ServingBundles.SaeId, ProbeKind.Sae, "temperature"),
            ],
            list.Probes.Select(p => (p.Id, p.Kind, p.CalibrationMethod)));
        Assert.All(list.Probes, p =>
        {
            Assert.Equal((ServingBundles.Task, ServingBundles.Model, ServingBundles.Layer, "blocks.20.hook_resid_post", 0.5f, ServingBundles.D),
                (p.Task, p.Model, p.Layer, p.HookName, p.Threshold, p.DModel));
        });

        foreach (var service in new[] { "", ProbeMonitorMethods.ServiceName })
        {
            var health = await Sidecar.Channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest { Service = service }, Sidecar.Options());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
    }
}
