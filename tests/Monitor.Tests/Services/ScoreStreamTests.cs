using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>ScoreStream end to end: many requests on one call, answered in order, each as written out.</summary>
public sealed class ScoreStreamTests(SidecarFixture fixture) : IClassFixture<SidecarFixture>
{
    private Sidecar Sidecar => fixture.Sidecar;

    [Fact]
    public async Task A_thousand_requests_on_one_stream_are_answered_in_order()
    {
        const int n = 1000;
        using var call = Sidecar.Channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, Sidecar.Options(DateTime.UtcNow.AddMinutes(2)));
        var reading = Task.Run(async () =>
        {
            var got = new List<ScoreResponse>(n);
            await foreach (var r in call.ReadAllAsync()) got.Add(r);
            return got;
        });
        for (int i = 0; i < n; i++)
            await call.RequestStream.WriteAsync(Sidecar.Request(ServingBundles.Vector(i % 50), requestId: $"s{i}"));
        await call.RequestStream.CompleteAsync();
        var responses = await reading;

        Assert.Equal(n, responses.Count);
        Assert.Equal(Enumerable.Range(0, n).Select(i => $"s{i}"), responses.Select(r => r.RequestId));
        for (int i = 0; i < n; i++)
        {
            var x = ServingBundles.Vector(i % 50);
            Assert.Equal(fixture.Bundles.DenseProbability(x), responses[i].Scores[0].Probability, 1e-5);
            Assert.Equal(fixture.Bundles.SaeProbability(x).Probability, responses[i].Scores[1].Probability, 1e-5);
        }
        Assert.Equal(GrpcStatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task A_bad_request_mid_stream_ends_the_call_with_its_status_after_the_answers_before_it()
    {
        using var call = Sidecar.Channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, Sidecar.Options());
        for (int i = 0; i < 5; i++) await call.RequestStream.WriteAsync(Sidecar.Request(ServingBundles.Vector(i), requestId: $"ok{i}"));
        await call.RequestStream.WriteAsync(Sidecar.Request(new float[3], requestId: "bad"));
        await call.RequestStream.CompleteAsync();

        var got = new List<string>();
        var error = await Assert.ThrowsAsync<GrpcStatusException>(async () =>
        {
            await foreach (var r in call.ReadAllAsync()) got.Add(r.RequestId);
        });
        Assert.Equal(GrpcStatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("expected 16, got 3", error.Detail);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"ok{i}"), got);

        var x = ServingBundles.Vector(9);
        Assert.Equal(fixture.Bundles.DenseProbability(x), (await Sidecar.ScoreAsync(Sidecar.Request(x))).Scores[0].Probability, 1e-5);
    }
}
