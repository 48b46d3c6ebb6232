using System.Runtime.CompilerServices;
using Google.Protobuf;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>One server call's HTTP/2 exchange: reads framed requests, writes framed responses, and ends with a status exactly once.</summary>
/// <remarks>Writes and the final status share one lock, so a deadline that fires mid-write can't interleave the trailers with a message.</remarks>
internal sealed class GrpcServerCall
{
    private readonly HttpContext _http;
    private readonly GrpcServerOptions _options;
    private readonly GrpcMessageReader _requests;
    private readonly string? _responseEncoding;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _completed;
    private bool _started;
    private bool _requestsTaken;

    public GrpcServerCall(HttpContext http, GrpcServerOptions options, string method, string? requestEncoding,
        DateTime? deadline, CancellationToken cancellationToken)
    {
        _http = http;
        _options = options;
        _requests = new GrpcMessageReader(http.Request.BodyReader, requestEncoding, options.MaxReceiveMessageSize, "request");
        var accept = http.Request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString();
        _responseEncoding = options.ResponseCompressionAlgorithm is { } algorithm
                            && algorithm != GrpcCompression.Identity
                            && GrpcCompression.Accepts(accept, algorithm)
            ? algorithm
            : null;
        Context = new GrpcServerCallContext(http, method, deadline, cancellationToken, RequestMetadata, WriteResponseHeadersAsync);
    }

    /// <summary>The handler's view of the call.</summary>
    public GrpcServerCallContext Context { get; }

    /// <summary>Whether the status has been sent.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Reads the one request of a unary or server-streaming call and checks that nothing follows it.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser) where T : class, IMessage<T>
    {
        var token = Context.CancellationToken;
        var request = await _requests.ReadAsync(parser, token).ConfigureAwait(false)
                      ?? throw new GrpcStatusException(GrpcStatusCode.Internal, "The request stream ended without the request message.");
        if (await _requests.ReadAsync(parser, token).ConfigureAwait(false) is not null)
            throw new GrpcStatusException(GrpcStatusCode.Internal, "A second request message arrived on a call that takes exactly one.");
        return request;
    }

    /// <summary>The request stream of a client-streaming or duplex call; it can be enumerated once.</summary>
    public IAsyncEnumerable<T> ReadRequests<T>(MessageParser<T> parser) where T : class, IMessage<T>
    {
        if (_requestsTaken) throw new InvalidOperationException("The request stream can be read only once.");
        _requestsTaken = true;
        return Enumerate(parser, CancellationToken.None);
    }

    private async IAsyncEnumerable<T> Enumerate<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Context.CancellationToken);
        while (await _requests.ReadAsync(parser, linked.Token).ConfigureAwait(false) is { } message)
            yield return message;
    }

    /// <summary>Frames one response; streaming writes flush at once, a unary response waits for the trailers to share the flush.</summary>
    public async Task WriteResponseAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_completed) throw new InvalidOperationException("The call has already ended (deadline, cancellation or status); no more responses can be written.");
            var writer = new GrpcMessageWriter(_http.Response.BodyWriter, _responseEncoding, _options.ResponseCompressionLevel,
                _options.MaxSendMessageSize, "response");
            writer.Measure(message); // an oversized first response must still end as Trailers-Only, so check before the headers
            StartResponse();
            writer.Write(message);
            if (flush) await _http.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task WriteResponseHeadersAsync()
    {
        await _lock.WaitAsync(Context.CancellationToken).ConfigureAwait(false);
        try
        {
            if (_completed || _started) return;
            StartResponse();
            await _http.Response.StartAsync(Context.CancellationToken).ConfigureAwait(false);
            await _http.Response.BodyWriter.FlushAsync(Context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Ends the call with a status: in the trailers, or as Trailers-Only (status in the only HEADERS frame) when nothing was sent yet.</summary>
    public async Task CompleteAsync(GrpcStatus status, GrpcMetadata? extraTrailers)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_completed) return;
            _completed = true;
            var response = _http.Response;
            if (_http.RequestAborted.IsCancellationRequested) return; // the client reset the stream: no one to tell
            if (!_started)
            {
                // Nothing written (a unary response may sit unflushed in the pipe, so HasStarted would not tell).
                StartResponse();
                WriteStatus(response.Headers.Append, status, extraTrailers);
            }
            else
            {
                WriteStatus(response.AppendTrailer, status, extraTrailers);
            }
            try
            {
                await response.CompleteAsync().ConfigureAwait(false);
                _http.Features.Get<GrpcCallAnswered>()?.Mark();
            }
            catch (Exception) when (_http.RequestAborted.IsCancellationRequested)
            {
                // The client went away while the status was going out.
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private void StartResponse()
    {
        if (_started) return;
        _started = true;
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        if (_responseEncoding is not null) response.Headers[GrpcProtocol.EncodingHeader] = _responseEncoding;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcCompression.AcceptEncodingValue;
        foreach (var (key, value) in Context.ResponseHeaders.ToHeaderValues())
            response.Headers.Append(key, value);
    }

    private void WriteStatus(Action<string, StringValues> append, GrpcStatus status, GrpcMetadata? extraTrailers)
    {
        append(GrpcProtocol.StatusHeader, ((int)status.Code).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
            append(GrpcProtocol.MessageHeader, GrpcStatusMessageEncoding.Encode(status.Detail));
        foreach (var (key, value) in Context.ResponseTrailers.ToHeaderValues())
            append(key, value);
        if (extraTrailers is not null)
            foreach (var (key, value) in extraTrailers.ToHeaderValues())
                append(key, value);
    }

    private static GrpcMetadata RequestMetadata(HttpRequest request) =>
        GrpcMetadata.FromHeaders(request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string?>>(h.Key, h.Value)));
}
