using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Runs one server call: checks the HTTP/2 request, applies the deadline, runs the method body and turns its outcome into a status.</summary>
internal static class GrpcServerCallPipeline
{
    // CancellationTokenSource timers stop at about 49.7 days; a longer grpc-timeout is as good as none.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(49);

    // How long an answered call waits for the rest of its request before leaving it to Kestrel's reset.
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(5);

    /// <summary>Handles the request; never throws for anything the client sent.</summary>
    public static async Task RunAsync(HttpContext http, GrpcServerOptions options, ILogger logger, string method, bool streamingRequests,
        Func<GrpcServerCall, Task> body)
    {
        var request = http.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            // gRPC needs trailers and full-duplex streams; on HTTP/1.1 answer plainly so curl and browsers see why.
            await PlainErrorAsync(http, StatusCodes.Status426UpgradeRequired, $"gRPC requires HTTP/2; this request used {request.Protocol}.");
            return;
        }
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            await PlainErrorAsync(http, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{request.ContentType}' is not supported; gRPC requests use '{GrpcProtocol.ContentType}'.");
            return;
        }

        RelaxBodyLimits(http, streamingRequests);
        var headerError = ReadCallHeaders(request, out var timeout, out var requestEncoding);
        DateTime? deadline = timeout is { } t && t <= LongestTimer ? DateTime.UtcNow + t : null;
        using var deadlineCts = deadline is null ? null : new CancellationTokenSource();
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, deadlineCts?.Token ?? default);
        http.Features.Set(new GrpcCallAnswered());
        var call = new GrpcServerCall(http, options, method, requestEncoding, deadline, callCts.Token);

        if (headerError is not null)
        {
            // Trailers-Only; its headers carry grpc-accept-encoding, which an UNIMPLEMENTED encoding error needs.
            await call.CompleteAsync(headerError.Value, null);
            return;
        }
        if (timeout is { } expired && expired <= TimeSpan.Zero)
        {
            await call.CompleteAsync(new GrpcStatus(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded before the call started."), null);
            return;
        }

        Task handler;
        if (deadlineCts is null)
        {
            // No deadline to watch: run the handler straight away on this thread, without the race below.
            handler = RunBody(body, call);
        }
        else
        {
            // The deadline is answered from the timer's thread, so a handler that blocks synchronously cannot hold it back, and
            // the handler still starts here at once: yielding first would send every call through the thread pool's queue,
            // which under overload costs tens of milliseconds (the soak's refusals waited there, p99 58 ms).
            var deadlineReply = new DeadlineReply(call);
            using var deadlineRegistration = deadlineCts.Token.UnsafeRegister(static s => ((DeadlineReply)s!).Send(), deadlineReply);
            deadlineCts.CancelAfter(timeout!.Value);
            handler = RunBody(body, call);
            if (await Task.WhenAny(handler, deadlineReply.Sent) != handler)
            {
                // The client has been told; the request delegate must not return while the handler can still touch the HttpContext.
                await ObserveLateHandler(handler, logger, method);
                return;
            }
        }

        var (status, trailers) = await OutcomeAsync(handler, http, deadlineCts, options, logger, method);
        // The deadline timer has millisecond granularity, so a fast handler can beat a microsecond deadline: a call that ends
        // after its deadline is DEADLINE_EXCEEDED whatever the handler managed, as the client will have given up on it.
        if (status.Code == GrpcStatusCode.OK && deadline is { } due && DateTime.UtcNow >= due)
            (status, trailers) = (new GrpcStatus(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded."), null);
        await call.CompleteAsync(status, trailers);
        if (!streamingRequests) await DrainRequestAsync(http, options.MaxReceiveMessageSize);
    }

    /// <summary>Reads and drops whatever is left of a single-message request once the call has been answered.</summary>
    /// <remarks>Kestrel resets a stream whose request the application left unread, and a DATA frame that arrives after it has
    /// forgotten the stream is a connection error (STREAM_CLOSED) that ends every call on the connection: the soak saw it
    /// under overload, when calls were refused before their message arrived. The client already has its answer; this only
    /// keeps the connection. Bounded by the message limit and a few seconds, so a client that never finishes its request
    /// cannot hold the call; past either, Kestrel's reset is what it gets.</remarks>
    private static async Task DrainRequestAsync(HttpContext http, int? maxMessageSize)
    {
        if (http.RequestAborted.IsCancellationRequested) return;
        var reader = http.Request.BodyReader;
        long drained = 0;
        try
        {
            // The usual case, a request read to its end, costs one synchronous read and no timer.
            if (reader.TryRead(out var first))
            {
                drained = first.Buffer.Length;
                reader.AdvanceTo(first.Buffer.End);
                if (first.IsCompleted || first.IsCanceled) return;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            return; // the body was already completed by its reader, or the client reset the stream
        }
        long limit = (maxMessageSize ?? 4 * 1024 * 1024) + 5L;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        patience.CancelAfter(DrainPatience);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(patience.Token).ConfigureAwait(false);
                drained += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled || drained > limit) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client reset the stream, took too long, or the body was already consumed: nothing left to keep.
        }
    }

    private static void RelaxBodyLimits(HttpContext http, bool streamingRequests)
    {
        // Kestrel caps a whole request body at 30 MB; a long-lived stream easily carries more. The reader limits each message instead.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = null;
        // A client stream may rightly sit idle between messages; Kestrel's minimum data rate would cut it off.
        if (streamingRequests && http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
            rate.MinDataRate = null;
    }

    private static GrpcStatus? ReadCallHeaders(HttpRequest request, out TimeSpan? timeout, out string? requestEncoding)
    {
        timeout = null;
        requestEncoding = null;
        var timeoutHeader = request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
                return new GrpcStatus(GrpcStatusCode.Internal,
                    $"Malformed grpc-timeout '{timeoutHeader}': expected 1 to 8 digits and a unit (H, M, S, m, u, n).");
            timeout = parsed;
        }
        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && encoding != GrpcCompression.Identity)
        {
            if (!GrpcCompression.IsSupported(encoding))
                return new GrpcStatus(GrpcStatusCode.Unimplemented,
                    $"Unsupported grpc-encoding '{encoding}'; this server accepts {GrpcCompression.AcceptEncodingValue}.");
            requestEncoding = encoding;
        }
        return null;
    }

    // Async so that a handler throwing before its first await still fails the task rather than this method.
    private static async Task RunBody(Func<GrpcServerCall, Task> body, GrpcServerCall call) => await body(call);

    /// <summary>Sends DEADLINE_EXCEEDED when the deadline timer fires, whatever the request thread is doing. A call already
    /// ended is left alone (<see cref="GrpcServerCall.CompleteAsync"/> sends one status only).</summary>
    private sealed class DeadlineReply(GrpcServerCall call)
    {
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the status has gone out (or the call had already ended).</summary>
        public Task Sent => _sent.Task;

        public void Send() => _ = SendAsync();

        private async Task SendAsync()
        {
            try
            {
                await call.CompleteAsync(new GrpcStatus(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded."), null).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection went away while the status was going out: there is no one left to tell.
            }
            finally
            {
                _sent.TrySetResult();
            }
        }
    }

    private static async Task<(GrpcStatus, GrpcMetadata?)> OutcomeAsync(Task handler, HttpContext http, CancellationTokenSource? deadlineCts,
        GrpcServerOptions options, ILogger logger, string method)
    {
        try
        {
            await handler;
            return (GrpcStatus.Ok, null);
        }
        catch (GrpcStatusException e)
        {
            return (e.Status, e.Trailers);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            return (new GrpcStatus(GrpcStatusCode.Cancelled, "Call cancelled by the client."), null);
        }
        catch (OperationCanceledException) when (deadlineCts?.IsCancellationRequested == true)
        {
            return (new GrpcStatus(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded."), null);
        }
        catch (Exception e)
        {
            logger.LogError(e, "gRPC handler for {Method} threw", method);
            var detail = options.EnableDetailedErrors
                ? $"Exception was thrown by handler. {e.GetType().Name}: {e.Message}"
                : "Exception was thrown by handler.";
            return (new GrpcStatus(GrpcStatusCode.Unknown, detail), null);
        }
    }

    private static async Task ObserveLateHandler(Task handler, ILogger logger, string method)
    {
        // The request delegate must not return while the handler can still touch the HttpContext.
        try
        {
            await handler;
        }
        catch (Exception e) when (e is OperationCanceledException or GrpcStatusException or InvalidOperationException or IOException)
        {
            logger.LogDebug("gRPC handler for {Method} ended after its deadline: {Error}", method, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "gRPC handler for {Method} threw after its deadline", method);
        }
    }

    private static Task PlainErrorAsync(HttpContext http, int statusCode, string text)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text + "\n");
    }
}
