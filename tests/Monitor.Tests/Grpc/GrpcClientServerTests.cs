using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>The C# client against the server on a real Kestrel socket: every call shape, statuses, metadata, deadlines, limits, gzip.</summary>
public sealed class GrpcClientServerTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Unary_call_round_trips_every_oneof_input()
    {
        using var channel = server.Channel();
        var prompt = await channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "r1", Prompt = "hello" });
        Assert.Equal("r1", prompt.RequestId);
        Assert.Equal("hello", prompt.Model);
        Assert.Equal(5 / 6f, prompt.Scores.Single().Probability);

        var tokens = await channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "r2", TokenIds = new TokenIds { Ids = { 1, 2, 3 } } });
        Assert.Equal(3 / 4f, tokens.Scores.Single().Probability);

        var activations = new ScoreRequest
        {
            RequestId = "r3",
            Activations = new Activations { Data = Google.Protobuf.ByteString.CopyFrom(new byte[16]), Dtype = Activations.Types.DType.Bf16, Shape = { 2, 4 }, Layer = 12 },
        };
        Assert.Equal(16 / 17f, (await channel.UnaryCall(TestService.Echo, activations)).Scores.Single().Probability);
    }

    [Fact]
    public async Task Unary_call_reports_OK_status_and_empty_trailers()
    {
        using var channel = server.Channel();
        using var call = channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "ok" });
        await call;
        Assert.Equal(GrpcStatusCode.OK, call.GetStatus().Code);
        Assert.Equal(0, call.GetTrailers().Count);
    }

    [Fact]
    public async Task Duplex_stream_echoes_many_messages_in_order()
    {
        using var channel = server.Channel();
        using var call = channel.DuplexStreamingCall(TestService.Chat);
        const int n = 2000;
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < n; i++)
                await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = i.ToString(), Prompt = new string('p', i % 50) });
            await call.RequestStream.CompleteAsync();
        });
        int expected = 0;
        await foreach (var response in call.ReadAllAsync())
        {
            Assert.Equal(expected.ToString(), response.RequestId);
            Assert.Equal((expected % 50) / (expected % 50 + 1f), response.Scores.Single().Probability);
            expected++;
        }
        await writer;
        Assert.Equal(n, expected);
        Assert.Equal(GrpcStatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task Duplex_stream_interleaves_reads_and_writes()
    {
        // Ping-pong proves full duplex: each response arrives before the next request is written.
        using var channel = server.Channel();
        using var call = channel.DuplexStreamingCall(TestService.Chat);
        await using var responses = call.ReadAllAsync().GetAsyncEnumerator();
        for (int i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = $"ping{i}" });
            Assert.True(await responses.MoveNextAsync().AsTask().WaitAsync(Patience));
            Assert.Equal($"ping{i}", responses.Current.RequestId);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await responses.MoveNextAsync());
    }

    [Fact]
    public async Task A_stream_may_carry_more_than_Kestrels_30_MB_request_body_limit()
    {
        using var channel = server.Channel();
        using var call = channel.DuplexStreamingCall(TestService.Chat);
        var prompt = new string('m', 1 << 20);
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < 36; i++) await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = i.ToString(), Prompt = prompt });
            await call.RequestStream.CompleteAsync();
        });
        long bytes = 0;
        await foreach (var response in call.ReadAllAsync()) bytes += response.Model.Length;
        await writer;
        Assert.Equal(36L << 20, bytes);
    }

    [Fact]
    public async Task Server_streaming_and_client_streaming_calls_work()
    {
        using var channel = server.Channel();
        using var count = channel.ServerStreamingCall(TestService.Count, new ScoreRequest { RequestId = "c", TokenIds = new TokenIds { Ids = { 7 } } });
        var layers = new List<int>();
        await foreach (var r in count.ReadAllAsync()) layers.Add(r.Layer);
        Assert.Equal(Enumerable.Range(0, 7), layers);

        using var none = channel.ServerStreamingCall(TestService.Count, new ScoreRequest { TokenIds = new TokenIds { Ids = { 0 } } });
        Assert.Empty(await ToListAsync(none.ReadAllAsync()));
        Assert.Equal(GrpcStatusCode.OK, none.GetStatus().Code);

        using var sum = channel.DuplexStreamingCall(TestService.Sum);
        for (int i = 1; i <= 10; i++)
            await sum.RequestStream.WriteAsync(new ScoreRequest { RequestId = i.ToString(), TokenIds = new TokenIds { Ids = { i, 100 * i } } });
        await sum.RequestStream.CompleteAsync();
        var total = await sum.ReadSingleResponseAsync();
        Assert.Equal(55 * 101, total.Timings.TotalUs);
        Assert.Equal("12345678910", total.RequestId);
    }

    [Fact]
    public async Task Responses_held_back_unflushed_go_out_with_the_status_and_before_an_error()
    {
        using var channel = server.Channel();
        using var ok = channel.ServerStreamingCall(TestService.HeldCount, new ScoreRequest { RequestId = "h", TokenIds = new TokenIds { Ids = { 5 } } });
        Assert.Equal(["h-0", "h-1", "h-2", "h-3", "h-4"], (await ToListAsync(ok.ReadAllAsync())).Select(r => r.RequestId));
        Assert.Equal(GrpcStatusCode.OK, ok.GetStatus().Code);

        using var failed = channel.ServerStreamingCall(TestService.HeldCount, new ScoreRequest { RequestId = "fail", TokenIds = new TokenIds { Ids = { 3 } } });
        var received = new List<string>();
        var error = await Assert.ThrowsAsync<GrpcStatusException>(async () =>
        {
            await foreach (var r in failed.ReadAllAsync()) received.Add(r.RequestId);
        });
        Assert.Equal(["fail-0", "fail-1", "fail-2"], received);
        Assert.Equal((GrpcStatusCode.Aborted, "failed after the held responses"), (error.StatusCode, error.Detail));
    }

    [Fact]
    public async Task Error_status_carries_percent_encoded_detail_and_trailers()
    {
        using var channel = server.Channel();
        using var call = channel.UnaryCall(TestService.Fail, new ScoreRequest { RequestId = ((int)GrpcStatusCode.FailedPrecondition).ToString() });
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ResponseAsync);
        Assert.Equal(GrpcStatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal(TestService.FailDetail, e.Detail);
        Assert.Equal("requested", e.Trailers.GetValue("failure-reason"));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, e.Trailers.GetValueBytes("failure-blob-bin"));
        Assert.Equal(e.Status, call.GetStatus());
    }

    [Fact]
    public async Task Handler_exception_is_UNKNOWN_without_leaking_its_message()
    {
        using var channel = server.Channel();
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryCall(TestService.Throw, new ScoreRequest()).ResponseAsync);
        Assert.Equal(GrpcStatusCode.Unknown, e.StatusCode);
        Assert.DoesNotContain("secret", e.Detail);
    }

    [Fact]
    public async Task Error_in_the_middle_of_a_stream_ends_it_with_that_status()
    {
        using var channel = server.Channel();
        using var call = channel.DuplexStreamingCall(TestService.Chat);
        await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = "a" });
        await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = "fail" });
        var seen = new List<string>();
        var e = await Assert.ThrowsAsync<GrpcStatusException>(async () =>
        {
            await foreach (var r in call.ReadAllAsync()) seen.Add(r.RequestId);
        });
        Assert.Equal(["a"], seen);
        Assert.Equal(GrpcStatusCode.Aborted, e.StatusCode);
        Assert.Equal("stream aborted on request", e.Detail);
    }

    [Fact]
    public async Task Client_deadline_fails_with_DEADLINE_EXCEEDED_and_cancels_the_handler()
    {
        server.Service.ResetWait();
        using var channel = server.Channel();
        await channel.UnaryCall(TestService.Echo, new ScoreRequest()); // connect first: the deadline is for the call, not for a cold start
        // Long enough for the handler to start on a test host running other classes in parallel on two cores: a unary handler
        // starts after its request is read, and when the deadline beats that the handler rightly never runs, so there is no
        // cancellation to observe (the likely cause of a one-off 10 s timeout here when the deadline was 500 ms).
        var deadline = DateTime.UtcNow.AddSeconds(2);
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(TestService.Wait, new ScoreRequest(), new GrpcCallOptions { Deadline = deadline }).ResponseAsync.WaitAsync(Patience));
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, e.StatusCode);
        var (seenDeadline, cancelled) = await server.Service.WaitOutcome.Task.WaitAsync(Patience);
        Assert.True(cancelled);
        // The server's deadline comes from grpc-timeout, so it lands just after ours (transit + rounding up; generous for busy CI).
        Assert.NotNull(seenDeadline);
        Assert.InRange((seenDeadline!.Value - deadline).TotalMilliseconds, -50, 2000);
    }

    [Fact]
    public async Task A_handler_that_blocks_its_thread_cannot_hold_back_DEADLINE_EXCEEDED()
    {
        using var channel = server.Channel();
        await channel.UnaryCall(TestService.Echo, new ScoreRequest()); // connect first
        server.Service.BlockGate.Reset();
        try
        {
            // The handler never returns until the gate opens, and the gate opens only after the status has arrived, so only a
            // deadline answered off the request thread can end this call (Patience is the hang guard).
            var e = await Assert.ThrowsAsync<GrpcStatusException>(() =>
                channel.UnaryCall(TestService.Block, new ScoreRequest(), new GrpcCallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(300) })
                    .ResponseAsync.WaitAsync(Patience));
            Assert.Equal(GrpcStatusCode.DeadlineExceeded, e.StatusCode);
        }
        finally
        {
            server.Service.BlockGate.Set();
        }
        Assert.Equal("after", (await channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "after" })).RequestId);
    }

    [Fact]
    public async Task Expired_deadline_fails_before_sending()
    {
        using var channel = server.Channel();
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(TestService.Echo, new ScoreRequest(), new GrpcCallOptions { Deadline = DateTime.UtcNow.AddSeconds(-1) }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, e.StatusCode);
    }

    [Fact]
    public async Task Client_cancellation_resets_the_stream_and_cancels_the_handler()
    {
        server.Service.ResetWait();
        using var channel = server.Channel();
        using var cts = new CancellationTokenSource();
        using var call = channel.DuplexStreamingCall(TestService.WaitStream, new GrpcCallOptions { CancellationToken = cts.Token });
        await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = "x" });
        await using var responses = call.ReadAllAsync().GetAsyncEnumerator();
        Assert.True(await responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        cts.Cancel();
        var e = await Assert.ThrowsAsync<GrpcStatusException>(async () => await responses.MoveNextAsync());
        Assert.Equal(GrpcStatusCode.Cancelled, e.StatusCode);
        var (deadline, cancelled) = await server.Service.WaitOutcome.Task.WaitAsync(Patience);
        Assert.True(cancelled);
        Assert.Null(deadline);
    }

    [Fact]
    public async Task Metadata_round_trips_ascii_and_binary_in_headers_and_trailers()
    {
        using var channel = server.Channel();
        byte[] blob = [0, 255, 1, 128, 44, 61]; // includes bytes whose base64 has padding and '+' '/'
        var headers = new GrpcMetadata().Add("x-tenant", "acme corp").Add("X-Trace-Bin", blob);
        using var call = channel.UnaryCall(TestService.Metadata, new ScoreRequest { RequestId = "m" }, new GrpcCallOptions { Headers = headers });
        await call;
        var responseHeaders = await call.ResponseHeadersAsync;
        Assert.Equal("acme corp", responseHeaders.GetValue("x-tenant"));
        Assert.Equal(blob, responseHeaders.GetValueBytes("x-trace-bin"));
        Assert.Equal("ACME CORP", call.GetTrailers().GetValue("trailer-x-tenant"));
        Assert.Equal(blob.Reverse(), call.GetTrailers().GetValueBytes("trailer-x-trace-bin"));
        Assert.DoesNotContain(responseHeaders, e => e.Key.StartsWith("grpc-") || e.Key is "content-type" or "date" or "server");
    }

    [Fact]
    public async Task Request_over_the_server_limit_is_RESOURCE_EXHAUSTED_and_the_server_keeps_serving()
    {
        using var channel = server.Channel(new GrpcChannelOptions { MaxSendMessageSize = null });
        var big = new ScoreRequest { Prompt = new string('a', GrpcProtocol.DefaultMaxMessageSize + 10) };
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryCall(TestService.Echo, big).ResponseAsync);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("exceeds the maximum message size of 4194304 bytes", e.Detail);
        Assert.Equal("after", (await channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "after" })).RequestId);
    }

    [Fact]
    public async Task Request_over_the_client_send_limit_fails_locally()
    {
        using var channel = server.Channel(new GrpcChannelOptions { MaxSendMessageSize = 100 });
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(TestService.Echo, new ScoreRequest { Prompt = new string('a', 200) }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.StatusCode);
        Assert.StartsWith("Sending request message of 20", e.Detail);
    }

    [Fact]
    public async Task Response_over_the_server_send_limit_or_client_receive_limit_is_RESOURCE_EXHAUSTED()
    {
        using var channel = server.Channel(new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        var serverSide = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(TestService.Big, new ScoreRequest { TokenIds = new TokenIds { Ids = { GrpcProtocol.DefaultMaxMessageSize } } }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, serverSide.StatusCode);
        Assert.StartsWith("Sending response message", serverSide.Detail);

        var clientSide = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(TestService.Big, new ScoreRequest { TokenIds = new TokenIds { Ids = { 2000 } } }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, clientSide.StatusCode);
        Assert.Contains("exceeds the maximum message size of 1000 bytes", clientSide.Detail);
    }

    [Fact]
    public async Task Gzip_requests_and_responses_round_trip()
    {
        using var channel = server.Channel();
        var prompt = string.Concat(Enumerable.Repeat("compressible ", 500));
        var options = new GrpcCallOptions { RequestCompression = GrpcCompression.Gzip };
        var response = await channel.UnaryCall(TestService.Echo, new ScoreRequest { RequestId = "gz", Prompt = prompt }, options);
        Assert.Equal(prompt, response.Model);

        using var call = channel.DuplexStreamingCall(TestService.Chat, options);
        for (int i = 0; i < 50; i++) await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = i.ToString(), Prompt = prompt });
        await call.RequestStream.CompleteAsync();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString()), (await ToListAsync(call.ReadAllAsync())).Select(r => r.RequestId));
    }

    [Fact]
    public async Task Unknown_method_and_service_are_UNIMPLEMENTED()
    {
        using var channel = server.Channel();
        var method = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.Unary, TestService.Name, "Nope");
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryCall(method, new ScoreRequest()).ResponseAsync);
        Assert.Equal(GrpcStatusCode.Unimplemented, e.StatusCode);
        Assert.Equal($"Unknown method 'Nope' for service '{TestService.Name}'.", e.Detail);

        var service = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, "no.Such", "Thing");
        using var call = channel.DuplexStreamingCall(service);
        var s = await Assert.ThrowsAsync<GrpcStatusException>(() => ToListAsync(call.ReadAllAsync()));
        Assert.Equal(GrpcStatusCode.Unimplemented, s.StatusCode);
        Assert.Equal("Unknown service 'no.Such'.", s.Detail);
    }

    [Fact]
    public async Task Nothing_listening_is_UNAVAILABLE()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // a port that was just free, with nothing on it now
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryCall(TestService.Echo, new ScoreRequest()).ResponseAsync);
        Assert.Equal(GrpcStatusCode.Unavailable, e.StatusCode);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
