using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The client side of one call over HTTP/2: sends the request headers, reads response headers, messages and trailers, and settles one final status.</summary>
internal sealed class GrpcClientCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(49);

    private readonly GrpcChannel _channel;
    private readonly GrpcMethod<TRequest, TResponse> _method;
    private readonly GrpcCallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenSource? _deadlineTimer;
    private readonly TaskCompletionSource<GrpcMetadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private HttpResponseMessage? _response;
    private GrpcMessageReader? _reader;
    private GrpcStatus? _status;
    private GrpcMetadata _trailers = new();

    public GrpcClientCall(GrpcChannel channel, GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options)
    {
        _channel = channel;
        _method = method;
        _options = options ?? new GrpcCallOptions();
        if (_options.Deadline is { } deadline)
        {
            var timeout = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (timeout > TimeSpan.Zero && timeout <= LongestTimer) _deadlineTimer = new CancellationTokenSource(timeout);
        }
        _cts = CancellationTokenSource.CreateLinkedTokenSource(_options.CancellationToken, _deadlineTimer?.Token ?? default);
    }

    /// <summary>The method called.</summary>
    public GrpcMethod<TRequest, TResponse> Method => _method;

    /// <summary>Cancelled by the caller's token, the deadline or Dispose.</summary>
    public CancellationToken CancellationToken => _cts.Token;

    /// <summary>The response headers' custom metadata (for Trailers-Only responses, the metadata of the only HEADERS frame).</summary>
    public Task<GrpcMetadata> ResponseHeadersAsync => _headers.Task;

    // The timer counts too: it may fire a hair before the wall clock reaches the deadline (millisecond truncation, clock drift).
    private bool DeadlinePassed =>
        _deadlineTimer?.IsCancellationRequested == true || (_options.Deadline is { } d && DateTime.UtcNow >= d.ToUniversalTime());

    /// <summary>Frames a request with the channel's limits and the call's compression.</summary>
    public byte[] Frame(TRequest request) => GrpcMessageWriter.Frame(request, _options.RequestCompression,
        _channel.Options.RequestCompressionLevel, _channel.Options.MaxSendMessageSize, "request");

    /// <summary>Frames a request as <see cref="Frame"/> does, into a pooled buffer when uncompressed.</summary>
    public GrpcMessageWriter.PooledFrame FramePooled(TRequest request) => GrpcMessageWriter.FramePooled(request, _options.RequestCompression,
        _channel.Options.RequestCompressionLevel, _channel.Options.MaxSendMessageSize, "request");

    /// <summary>Sends the request and waits for the response headers; afterwards messages can be read.</summary>
    public async Task SendAsync(HttpContent content)
    {
        if (_options.Deadline is not null && DeadlinePassed)
            throw new GrpcStatusException(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded before the call started.");
        if (_options.RequestCompression is { } encoding && !GrpcCompression.IsSupported(encoding))
            throw new GrpcStatusException(GrpcStatusCode.Internal, $"Cannot compress requests with '{encoding}'; supported: {GrpcCompression.AcceptEncodingValue}.");

        var response = await _channel.Invoker.SendAsync(CreateRequest(content), _cts.Token).ConfigureAwait(false);
        lock (_gate) _response = response;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new GrpcStatusException(GrpcClientErrors.FromHttpStatus(response.StatusCode).Code,
                GrpcClientErrors.FromHttpStatus(response.StatusCode).Detail);
        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
            throw new GrpcStatusException(GrpcStatusCode.Internal, $"Bad gRPC response: content-type '{contentType}' is not gRPC.");

        if (response.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            // Trailers-Only: the status came in the only HEADERS frame, there is no body. The status is settled before the
            // headers task completes, so a writer that waits for the headers after a failed write finds the server's status.
            var metadata = Metadata(response.Headers);
            Finish(ReadStatus(response.Headers), metadata);
            _headers.TrySetResult(metadata);
            return;
        }
        string? responseEncoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.FirstOrDefault() : null;
        if (responseEncoding is not null && !GrpcCompression.IsSupported(responseEncoding))
            throw new GrpcStatusException(GrpcStatusCode.Internal, $"The server compressed responses with unsupported grpc-encoding '{responseEncoding}'.");
        _headers.TrySetResult(Metadata(response.Headers));
        var body = await response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
        _reader = new GrpcMessageReader(PipeReader.Create(body), responseEncoding, _channel.Options.MaxReceiveMessageSize, "response");
    }

    /// <summary>The next response, or null once the call ended with OK; a non-OK status is thrown as <see cref="GrpcStatusException"/>.</summary>
    public async ValueTask<TResponse?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (TakeStatus() is { } done) return done.Code == GrpcStatusCode.OK ? null : throw StatusException(done);
        // Linking costs an allocation and a registration per message; without a caller token the call's own one will do.
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, cancellationToken) : null;
        var message = await _reader!.ReadAsync(_method.ResponseParser, linked?.Token ?? _cts.Token).ConfigureAwait(false);
        if (message is not null) return message;
        var trailers = _response!.TrailingHeaders;
        Finish(trailers.Contains(GrpcProtocol.StatusHeader)
            ? ReadStatus(trailers)
            : new GrpcStatus(GrpcStatusCode.Internal, "The response ended without a grpc-status trailer."), Metadata(trailers));
        var status = TakeStatus()!.Value;
        return status.Code == GrpcStatusCode.OK ? null : throw StatusException(status);
    }

    /// <summary>Ends the call with the status an exception maps to (unless it already has one), resetting the HTTP/2 stream.</summary>
    public GrpcStatusException Fail(Exception error)
    {
        lock (_gate)
        {
            if (_status is { Code: not GrpcStatusCode.OK } existing)
                return error as GrpcStatusException ?? StatusException(existing);
        }
        var failure = GrpcClientErrors.FromException(error, DeadlinePassed);
        lock (_gate)
        {
            _status ??= failure.Status;
            if (failure.Trailers.Count > 0) _trailers = failure.Trailers;
        }
        FailHeaders(failure);
        Cancel();
        // Disposing an unfinished response is what makes SocketsHttpHandler send RST_STREAM(CANCEL), so the server's handler stops.
        lock (_gate) _response?.Dispose();
        return failure;
    }

    /// <summary>The final status; throws while the call is still running.</summary>
    public GrpcStatus GetStatus() => TakeStatus() ?? throw new InvalidOperationException("The call has not finished; its status is not known yet.");

    /// <summary>The trailing metadata; throws while the call is still running.</summary>
    public GrpcMetadata GetTrailers()
    {
        lock (_gate) return _status is null ? throw new InvalidOperationException("The call has not finished; its trailers are not known yet.") : _trailers;
    }

    /// <summary>Releases the finished call's transport (the HTTP response, its pooled read buffers, the cancellation
    /// sources); status, headers and trailers stay readable.</summary>
    /// <remarks>A unary call is usually just awaited, never disposed. Left to the collector, each one kept its response and
    /// request frame alive through a collection: about 50 MB promoted per gen-1 collection at 1,000 calls/s, and pauses of
    /// 30–100 ms in a client that should be measuring someone else's latency.</remarks>
    public void ReleaseTransport()
    {
        lock (_gate)
        {
            if (_status is null) return; // still running: only Dispose may cut it short
            _reader?.Complete();
            _response?.Dispose();
        }
        _cts.Dispose();
        _deadlineTimer?.Dispose();
    }

    /// <summary>Cancels a call still running (RST_STREAM CANCEL) and releases the response.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_status is null)
            {
                _status = new GrpcStatus(GrpcStatusCode.Cancelled, "Call disposed before it finished.");
                FailHeaders(StatusException(_status.Value));
            }
        }
        Cancel();
        lock (_gate) _response?.Dispose();
        _cts.Dispose();
        _deadlineTimer?.Dispose();
    }

    private void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing left to cancel.
        }
    }

    private void FailHeaders(Exception error)
    {
        // Observed here, so a call whose caller never asks for its headers leaves no unobserved task exception (this
        // replaces a ContinueWith per call).
        if (_headers.TrySetException(error)) _ = _headers.Task.Exception;
    }

    private GrpcStatus? TakeStatus()
    {
        lock (_gate) return _status;
    }

    private void Finish(GrpcStatus status, GrpcMetadata trailers)
    {
        // Per the spec, a CANCELLED that races our own deadline is reported as DEADLINE_EXCEEDED.
        if (status.Code == GrpcStatusCode.Cancelled && DeadlinePassed)
            status = new GrpcStatus(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded.");
        lock (_gate)
        {
            if (_status is not null) return;
            _status = status;
            _trailers = trailers;
        }
    }

    private GrpcStatusException StatusException(GrpcStatus status)
    {
        lock (_gate) return new GrpcStatusException(status.Code, status.Detail, _trailers);
    }

    private HttpRequestMessage CreateRequest(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.MethodUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        if (_options.Deadline is { } deadline)
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        headers.TryAddWithoutValidation("user-agent", GrpcChannel.UserAgent);
        if (_options.RequestCompression is { } encoding and not GrpcCompression.Identity)
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, encoding);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcCompression.AcceptEncodingValue);
        if (_options.Headers is { } metadata)
            foreach (var (key, value) in metadata.ToHeaderValues())
                headers.TryAddWithoutValidation(key, value);
        return request;
    }

    private static GrpcStatus ReadStatus(HttpHeaders headers)
    {
        var raw = headers.TryGetValues(GrpcProtocol.StatusHeader, out var s) ? s.FirstOrDefault() : null;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            return new GrpcStatus(GrpcStatusCode.Unknown, $"Unparseable grpc-status '{raw}'.");
        var message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var m) ? m.FirstOrDefault() ?? "" : "";
        return new GrpcStatus((GrpcStatusCode)code, GrpcStatusMessageEncoding.Decode(message));
    }

    private static GrpcMetadata Metadata(HttpHeaders headers) =>
        GrpcMetadata.FromHeaders(headers.Select(h => new KeyValuePair<string, IEnumerable<string?>>(h.Key, h.Value)));
}
