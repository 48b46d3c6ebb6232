using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Bundles;

public sealed class BundleDirectoryTests : IDisposable
{
    private readonly string _root = RepoPaths.NewTempDir("pm-bundles");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void One_bad_bundle_is_reported_without_failing_the_good_ones()
    {
        var (dense, denseProbe, denseRef) = BundleFixtures.Dense("a-dense");
        var (sae, saeProbe, saeRef) = BundleFixtures.Sae("b-sae");
        var (other, otherProbe, otherRef) = BundleFixtures.Dense("c-dense", seed: 3);
        ProbeBundleWriter.Write(Path.Combine(_root, "a"), dense, denseProbe, denseRef);
        ProbeBundleWriter.Write(Path.Combine(_root, "b"), sae, saeProbe, saeRef);
        ProbeBundleWriter.Write(Path.Combine(_root, "c"), other, otherProbe, otherRef);
        var bad = Path.Combine(_root, "bad");
        ProbeBundleWriter.Write(bad, other with { ProbeId = "bad" }, new ProbeMonitor.Probes.DenseProbe("bad", BundleFixtures.D,
            ((ProbeMonitor.Probes.DenseProbe)otherProbe).Parameters), otherRef);
        var weights = Path.Combine(bad, ProbeBundle.DefaultWeightsFileName);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x80;
        File.WriteAllBytes(weights, bytes);
        ProbeBundleWriter.Write(Path.Combine(_root, "d-duplicate"), dense, denseProbe, denseRef);
        Directory.CreateDirectory(Path.Combine(_root, ".staging-leftover"));

        var result = BundleDirectory.LoadAll(_root);

        Assert.Equal(["a-dense", "b-sae", "c-dense"], result.Bundles.Select(b => b.ProbeId));
        Assert.Equal(2, result.Errors.Count);
        Assert.Equal(bad, result.Errors[0].Directory);
        Assert.Contains("SHA-256", result.Errors[0].Message);
        Assert.Equal(Path.Combine(_root, "d-duplicate"), result.Errors[1].Directory);
        Assert.Contains("probe_id 'a-dense' is already used", result.Errors[1].Message);
    }

    [Fact]
    public void A_missing_root_is_an_error()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => BundleDirectory.LoadAll(Path.Combine(_root, "nope")));
        Assert.Contains("nope", ex.Message);
    }
}
