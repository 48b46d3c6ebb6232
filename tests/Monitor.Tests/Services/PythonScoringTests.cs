using System.Text.Json;
using ProbeMonitor.Monitor.Tests.Grpc;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>Debian's python3-grpcio (an independent gRPC stack) scores activations against the real sidecar.</summary>
public sealed class PythonScoringTests(SidecarFixture fixture) : IClassFixture<SidecarFixture>
{
    [PeerFact("python:grpc", "python:numpy", "exe:protoc")]
    public async Task Python_grpcio_scores_F32_and_BF16_activations_unary_and_streaming()
    {
        var vectors = Enumerable.Range(0, 6).Select(i => Sidecar.BFloat16Exact(ServingBundles.Vector(300 + i))).ToArray();
        var pb2 = PythonGrpcPeer.GenerateMessages();
        try
        {
            var script = Path.Combine(RepoPaths.Root, "tests", "Monitor.Tests", "Services", "Python", "score_activations.py");
            var address = $"{fixture.Sidecar.GrpcAddress.Host}:{fixture.Sidecar.GrpcAddress.Port}";
            var run = await Task.Run(() => Peers.Run(Peers.DebianPython, [script, pb2, address, SidecarFixture.ApiKey],
                JsonSerializer.Serialize(vectors), TimeSpan.FromSeconds(90)));
            Assert.True(run.ExitCode == 0, $"score_activations.py exited {run.ExitCode}:\n{run.StdErr}");
            var report = JsonDocument.Parse(run.StdOut).RootElement;

            foreach (var kind in new[] { "f32", "bf16" })
            {
                var responses = report.GetProperty(kind).EnumerateArray().ToList();
                Assert.Equal(vectors.Length, responses.Count);
                for (int i = 0; i < vectors.Length; i++) AssertScores(vectors[i], responses[i]);
            }
            var stream = report.GetProperty("stream").EnumerateArray().ToList();
            Assert.Equal(200, stream.Count);
            for (int i = 0; i < stream.Count; i++)
            {
                Assert.Equal($"s{i}", stream[i].GetProperty("request_id").GetString());
                AssertScores(vectors[i % vectors.Length], stream[i]);
            }
            Assert.Equal([ServingBundles.DenseId, ServingBundles.SaeId], report.GetProperty("probes").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal("INVALID_ARGUMENT", report.GetProperty("bad").GetProperty("code").GetString());
            Assert.Contains("expected 16, got 3", report.GetProperty("bad").GetProperty("details").GetString());
            Assert.Equal("UNAUTHENTICATED", report.GetProperty("unauthenticated").GetProperty("code").GetString());
        }
        finally
        {
            Directory.Delete(pb2, recursive: true);
        }
    }

    private void AssertScores(float[] x, JsonElement response)
    {
        Assert.Equal(ServingBundles.Model, response.GetProperty("model").GetString());
        Assert.Equal(ServingBundles.Layer, response.GetProperty("layer").GetInt32());
        var scores = response.GetProperty("scores");
        Assert.Equal(fixture.Bundles.DenseProbability(x), scores.GetProperty(ServingBundles.DenseId).GetDouble(), 1e-5);
        Assert.Equal(fixture.Bundles.SaeProbability(x).Probability, scores.GetProperty(ServingBundles.SaeId).GetDouble(), 1e-5);
        Assert.Equal(ServingBundles.MahalanobisDistance(x), response.GetProperty("ood").GetDouble(), 1e-4);
    }
}
