using System.Net;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>A request body that stays open while the caller writes messages: HttpClient hands over the HTTP/2 stream, and END_STREAM is sent when <see cref="Complete"/> is called.</summary>
internal sealed class GrpcStreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrpcStreamingRequestContent()
    {
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
        // Nobody may await these when the call ends before the body is used; observe them so no unobserved-task noise remains.
        _stream.Task.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        _done.Task.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>The request stream, once HttpClient has sent the request headers.</summary>
    public Task<Stream> RequestStream => _stream.Task;

    /// <summary>Ends the request body; HttpClient then sends END_STREAM.</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>Gives up on the body: pending and later writers get <paramref name="error"/>, and HttpClient resets the stream instead of ending it cleanly.</summary>
    public void Abort(Exception error)
    {
        _stream.TrySetException(error);
        _done.TrySetException(error);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler holds HTTP/2 request headers back until the body writes; a call that reads before it
        // writes (or never writes) would never reach the server, so push the HEADERS frame out now.
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _stream.TrySetResult(stream);
        await _done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
