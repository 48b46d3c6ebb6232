using System.Net;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>A unary call that is only awaited, never disposed, still releases its HTTP response when it ends, whether it
/// succeeded or failed; its status and trailers stay readable.</summary>
public sealed class UnaryCallReleaseTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    [Fact]
    public async Task Awaited_unary_calls_dispose_their_responses_without_being_disposed()
    {
        var tracking = new TrackingHandler(new SocketsHttpHandler());
        using var channel = server.Channel(new GrpcChannelOptions { HttpHandler = tracking, DisposeHttpHandler = true });

        for (int i = 0; i < 20; i++)
            Assert.Equal($"r{i}", (await channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = $"r{i}" })).RequestId);
        var failed = channel.UnaryCall(TestService.Fail, new ScoreRequest { RequestId = ((int)GrpcStatusCode.NotFound).ToString() });
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => failed.ResponseAsync);

        Assert.Equal(GrpcStatusCode.NotFound, e.StatusCode);
        Assert.Equal(GrpcStatusCode.NotFound, failed.GetStatus().Code);
        Assert.Equal("requested", failed.GetTrailers().GetValue("failure-reason"));
        Assert.Equal(21, tracking.Responses);
        Assert.Equal(21, tracking.Disposed);
    }

    [Fact]
    public async Task Disposing_a_finished_call_after_the_release_is_harmless()
    {
        using var channel = server.Channel();
        var call = channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "x" });
        Assert.Equal("x", (await call).RequestId);
        call.Dispose();
        call.Dispose();
        Assert.Equal(GrpcStatusCode.OK, call.GetStatus().Code);
    }

    /// <summary>Wraps each response's content so its disposal is counted.</summary>
    private sealed class TrackingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _responses, _disposed;

        public int Responses => Volatile.Read(ref _responses);

        public int Disposed => Volatile.Read(ref _disposed);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _responses);
            response.Content = new CountingContent(response.Content, () => Interlocked.Increment(ref _disposed));
            return response;
        }
    }

    private sealed class CountingContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action _onDispose;

        public CountingContent(HttpContent inner, Action onDispose)
        {
            _inner = inner;
            _onDispose = onDispose;
            foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override Task<Stream> CreateContentReadStreamAsync() => _inner.ReadAsStreamAsync();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _onDispose();
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
