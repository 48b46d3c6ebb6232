using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes.Bundles;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Scoring;

public sealed class ProbeRegistryTests : IDisposable
{
    private readonly TestBundles _bundles = new();

    public void Dispose() => _bundles.Dispose();

    private static ProbeScoringOptions Options => new(DriftWindow.ByCount(100, 10, 5), TransferRiskOptions.Default);

    private void Corrupt(string directory)
    {
        var weights = Path.Combine(_bundles.Path(directory), ProbeBundle.DefaultWeightsFileName);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
    }

    [Fact]
    public async Task Loads_the_directory_grouped_by_task()
    {
        _bundles.WriteDense("tox-dense");
        _bundles.WriteSae("tox-sae");
        _bundles.WriteDense("ans-dense", ProbeManifest.AnswerabilityTask, seed: 3);
        var registry = new ProbeRegistry(_bundles.Root, Options);
        Assert.Equal(0, registry.Current.Count);

        var result = await registry.ReloadAsync();

        Assert.True(result.Swapped);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Same(registry.Current, result.Active);
        Assert.Equal(["ans-dense", "tox-dense", "tox-sae"], result.LoadedProbeIds);
        Assert.Equal(["tox-dense", "tox-sae"], registry.Current.ByTask[ProbeManifest.ToxicityTask].Select(p => p.Id));
        Assert.Equal(["ans-dense"], registry.Current.ByTask[ProbeManifest.AnswerabilityTask].Select(p => p.Id));
        Assert.Single(registry.Current.DisagreementPairs);
        Assert.Equal([Pooling.Last], registry.Current.Poolings());
        Assert.NotNull(registry.Current.Get("tox-sae").SaeProbe);
        Assert.NotNull(registry.Current.Get("tox-sae").OodModel);
    }

    [Fact]
    public async Task A_bad_bundle_is_reported_and_the_rest_served()
    {
        _bundles.WriteDense("a");
        _bundles.WriteDense("b", seed: 4);
        Corrupt("b");
        var registry = new ProbeRegistry(_bundles.Root, Options);

        var result = await registry.ReloadAsync();

        Assert.True(result.Swapped);
        Assert.Equal(["a"], result.LoadedProbeIds);
        var error = Assert.Single(result.Errors);
        Assert.Equal(_bundles.Path("b"), error.Directory);
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public async Task A_reload_that_loads_nothing_keeps_the_old_set()
    {
        _bundles.WriteDense("a");
        var registry = new ProbeRegistry(_bundles.Root, Options);
        var first = (await registry.ReloadAsync()).Active;
        Corrupt("a");

        var failed = await registry.ReloadAsync();

        Assert.False(failed.Swapped);
        Assert.Same(first, registry.Current);
        Assert.Equal(["a"], failed.LoadedProbeIds);
        Assert.Equal(2, failed.Errors.Count);
        Assert.Contains("SHA-256", failed.Errors[0].Message);
        Assert.Contains("still serving the 1 probe(s) loaded before", failed.Errors[1].Message);

        Directory.Delete(_bundles.Path("a"), recursive: true);
        var empty = await registry.ReloadAsync();
        Assert.False(empty.Swapped);
        Assert.Contains("holds no probe bundles", Assert.Single(empty.Errors).Message);

        var missing = new ProbeRegistry(_bundles.Path("nowhere"), Options);
        var none = await missing.ReloadAsync();
        Assert.False(none.Swapped);
        Assert.Contains("does not exist", Assert.Single(none.Errors).Message);
        Assert.Contains("no probe directory", Assert.Single((await new ProbeRegistry(null).ReloadAsync()).Errors).Message);
    }

    [Fact]
    public async Task A_served_bundle_that_fails_on_reload_keeps_its_old_version_and_its_window()
    {
        _bundles.WriteDense("a");
        _bundles.WriteDense("b", seed: 4);
        var registry = new ProbeRegistry(_bundles.Root, Options);
        var before = (await registry.ReloadAsync()).Active;
        before.Get("b").Drift.Record(0.7, true);
        Corrupt("b");
        _bundles.WriteDense("c", seed: 5);

        var result = await registry.ReloadAsync();

        Assert.True(result.Swapped);
        Assert.Equal(["a", "b", "c"], result.LoadedProbeIds);
        Assert.Same(before.Get("b"), result.Active.Get("b"));
        Assert.Equal(1, result.Active.Get("b").Drift.Snapshot().WindowCount);
        var error = Assert.Single(result.Errors);
        Assert.Equal(_bundles.Path("b"), error.Directory);
        Assert.Contains("SHA-256", error.Message);
        Assert.Contains("still serving the version loaded before", error.Message);

        Directory.Delete(_bundles.Path("b"), recursive: true); // removed on purpose: dropped, not kept
        Assert.Equal(["a", "c"], (await registry.ReloadAsync()).LoadedProbeIds);
    }

    [Fact]
    public async Task Unchanged_probes_keep_their_drift_window_across_reloads()
    {
        _bundles.WriteDense("tox-dense");
        _bundles.WriteSae("tox-sae");
        var registry = new ProbeRegistry(_bundles.Root, Options);
        var before = (await registry.ReloadAsync()).Active;
        before.Get("tox-dense").Drift.Record(0.9, true);
        _bundles.WriteSae("tox-sae", seed: 9); // retrained: new weights

        var after = (await registry.ReloadAsync()).Active;

        Assert.NotSame(before, after);
        Assert.Same(before.Get("tox-dense"), after.Get("tox-dense"));
        Assert.Equal(1, after.Get("tox-dense").Drift.Snapshot().WindowCount);
        Assert.NotSame(before.Get("tox-sae"), after.Get("tox-sae"));
        Assert.NotSame(before.DisagreementPairs[0], after.DisagreementPairs[0]); // one side changed: the pair starts afresh

        var again = (await registry.ReloadAsync()).Active;
        Assert.Same(after.Get("tox-sae"), again.Get("tox-sae"));
        Assert.Same(after.DisagreementPairs[0], again.DisagreementPairs[0]);
    }

    [Fact]
    public async Task Probes_of_one_model_must_share_hook_layer_and_width()
    {
        _bundles.WriteDense("a");
        _bundles.WriteDense("b", seed: 3);
        _bundles.WriteDense("c-l12", seed: 4, layer: 12);
        var result = await new ProbeRegistry(_bundles.Root, Options).ReloadAsync();
        Assert.Equal(["a", "b"], result.LoadedProbeIds);
        var error = Assert.Single(result.Errors);
        Assert.Equal(_bundles.Path("c-l12"), error.Directory);
        Assert.Contains("blocks.12.hook_resid_post (layer 12, d_model 8)", error.Message);
        Assert.Contains("blocks.20.hook_resid_post (layer 20, d_model 8)", error.Message);
    }

    [Fact]
    public async Task A_degenerate_covariance_loads_the_probe_without_OOD_scores()
    {
        _bundles.WriteDense("flat", eigenvalues: [2.0, 0.0]);
        var result = await new ProbeRegistry(_bundles.Root, Options).ReloadAsync();
        Assert.Equal(["flat"], result.LoadedProbeIds);
        Assert.Contains("degenerate", Assert.Single(result.Warnings));
        Assert.Null(result.Active.Get("flat").OodModel);
        var scores = new ProbeScorer(() => result.Active).Score(PooledBatch.AnyPooling(new float[8], 1, 8));
        Assert.Null(scores.Requests[0].Scores[0].MahalanobisSquared);
        Assert.Null(scores.Requests[0].Drift.ActivationOodScore);
    }

    [Fact]
    public async Task Readers_always_see_a_whole_set_while_reloads_swap_it()
    {
        _bundles.WriteDense("tox-dense");
        _bundles.WriteSae("tox-sae");
        var registry = new ProbeRegistry(_bundles.Root, Options);
        await registry.ReloadAsync();
        var scorer = new ProbeScorer(registry);
        var x = TestBundles.Gaussian(new Random(1), 4 * TestBundles.D);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            int scored = 0;
            while (!stop.IsCancellationRequested)
            {
                var s = scorer.Score(PooledBatch.AnyPooling(x, 4, TestBundles.D));
                Assert.Equal(["tox-dense", "tox-sae"], s.ProbeIds);
                scored++;
            }
            return scored;
        })).ToArray();
        for (int i = 0; i < 5; i++)
        {
            _bundles.WriteSae("tox-sae", seed: 10 + i);
            Assert.True((await registry.ReloadAsync()).Swapped);
        }
        stop.Cancel();
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c > 0));
    }
}
