using System.Text;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>A service that exercises every corner of the gRPC layer, over the ProbeMonitor messages so no extra protos are needed.</summary>
internal sealed class TestService
{
    public const string Name = "probemonitor.test.Lab";

    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Echo = Unary("Echo");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Fail = Unary("Fail");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Throw = Unary("Throw");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Wait = Unary("Wait");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Block = Unary("Block");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Metadata = Unary("Metadata");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Big = Unary("Big");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Chat =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, Name, "Chat");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Count =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.ServerStreaming, Name, "Count");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> HeldCount =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.ServerStreaming, Name, "HeldCount");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> Sum =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.ClientStreaming, Name, "Sum");
    public static readonly GrpcMethod<ScoreRequest, ScoreResponse> WaitStream =
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, Name, "WaitStream");

    /// <summary>The detail Fail answers with: non-ASCII, '%' and a control character, to exercise percent-encoding.</summary>
    public const string FailDetail = "probe 'tox' rejected: 100% sure, naïve → ✓\tdone";

    /// <summary>What the last Wait/WaitStream call saw: its deadline and whether its token fired.</summary>
    public TaskCompletionSource<(DateTime? Deadline, bool Cancelled)> WaitOutcome { get; private set; } = NewOutcome();

    public void ResetWait() => WaitOutcome = NewOutcome();

    /// <summary>Block's handler holds its thread (no await, token ignored) until this is set.</summary>
    public ManualResetEventSlim BlockGate { get; } = new(false);

    public void Register(GrpcServiceRegistry registry)
    {
        registry.Unary(Echo, (request, _) => Task.FromResult(EchoOf(request)));
        registry.Unary(Fail, (request, context) =>
        {
            context.ResponseTrailers.Add("failure-reason", "requested").Add("failure-blob-bin", [0, 1, 2, 254, 255]);
            throw new GrpcStatusException((GrpcStatusCode)int.Parse(request.RequestId), FailDetail);
        });
        registry.Unary<ScoreRequest, ScoreResponse>(Throw, (_, _) => throw new InvalidOperationException("secret internals"));
        registry.Unary(Block, (request, _) =>
        {
            BlockGate.Wait(TimeSpan.FromMinutes(1)); // bounded, so a failing test cannot hold a thread forever
            return Task.FromResult(EchoOf(request));
        });
        registry.Unary(Wait, async (request, context) =>
        {
            var outcome = WaitOutcome;
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                outcome.TrySetResult((context.Deadline, true));
                throw;
            }
            return EchoOf(request);
        });
        registry.Unary(Metadata, (request, context) =>
        {
            foreach (var entry in context.RequestHeaders)
            {
                if (entry.IsBinary)
                {
                    context.ResponseHeaders.Add(entry.Key, entry.ValueBytes!);
                    context.ResponseTrailers.Add("trailer-" + entry.Key, entry.ValueBytes!.Reverse().ToArray());
                }
                else
                {
                    context.ResponseHeaders.Add(entry.Key, entry.Value!);
                    context.ResponseTrailers.Add("trailer-" + entry.Key, entry.Value!.ToUpperInvariant());
                }
            }
            return Task.FromResult(EchoOf(request));
        });
        registry.Unary(Big, (request, _) => Task.FromResult(new ScoreResponse
        {
            RequestId = request.RequestId,
            Model = new string('x', request.TokenIds.Ids[0]),
        }));
        registry.DuplexStreaming(Chat, async (requests, responses, context) =>
        {
            await foreach (var request in requests)
            {
                if (request.RequestId == "fail") throw new GrpcStatusException(GrpcStatusCode.Aborted, "stream aborted on request");
                await responses.WriteAsync(EchoOf(request));
            }
        });
        registry.ServerStreaming(Count, async (request, responses, context) =>
        {
            for (int i = 0; i < request.TokenIds.Ids[0]; i++)
                await responses.WriteAsync(new ScoreResponse { RequestId = $"{request.RequestId}-{i}", Layer = i });
        });
        // Like Count, but every response is held back unflushed: only the end of the call (status or error) sends them.
        registry.ServerStreaming(HeldCount, async (request, responses, context) =>
        {
            for (int i = 0; i < request.TokenIds.Ids[0]; i++)
                await responses.WriteAsync(new ScoreResponse { RequestId = $"{request.RequestId}-{i}", Layer = i }, flush: false);
            if (request.RequestId == "fail") throw new GrpcStatusException(GrpcStatusCode.Aborted, "failed after the held responses");
        });
        registry.ClientStreaming(Sum, async (requests, context) =>
        {
            long sum = 0;
            var ids = new StringBuilder();
            await foreach (var request in requests)
            {
                sum += request.TokenIds.Ids.Sum();
                ids.Append(request.RequestId);
            }
            return new ScoreResponse { RequestId = ids.ToString(), Timings = new Timings { TotalUs = sum } };
        });
        registry.DuplexStreaming(WaitStream, async (requests, responses, context) =>
        {
            var outcome = WaitOutcome;
            await context.WriteResponseHeadersAsync();
            try
            {
                await foreach (var request in requests)
                    await responses.WriteAsync(EchoOf(request));
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                outcome.TrySetResult((context.Deadline, true));
                throw;
            }
            catch (Exception) when (context.CancellationToken.IsCancellationRequested)
            {
                // A reset stream can surface as an I/O error from the request reader.
                outcome.TrySetResult((context.Deadline, true));
                throw;
            }
        });
    }

    /// <summary>The echo: the request id back, and the input's length as a fake probability n/(n+1).</summary>
    public static ScoreResponse EchoOf(ScoreRequest request)
    {
        int n = request.InputCase switch
        {
            ScoreRequest.InputOneofCase.Prompt => request.Prompt.Length,
            ScoreRequest.InputOneofCase.TokenIds => request.TokenIds.Ids.Count,
            ScoreRequest.InputOneofCase.Chat => request.Chat.Messages.Sum(m => m.Content.Length),
            ScoreRequest.InputOneofCase.Activations => request.Activations.Data.Length,
            _ => 0,
        };
        return new ScoreResponse
        {
            RequestId = request.RequestId,
            Model = request.Prompt,
            Scores = { new ProbeScore { ProbeId = "echo", Probability = n / (n + 1f) } },
        };
    }

    private static GrpcMethod<ScoreRequest, ScoreResponse> Unary(string name) =>
        GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.Unary, Name, name);

    private static TaskCompletionSource<(DateTime?, bool)> NewOutcome() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
