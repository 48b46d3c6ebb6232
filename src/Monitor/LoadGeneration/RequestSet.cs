using System.Buffers.Binary;
using Google.Protobuf;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>The requests a run cycles through, built once so the hot loop only picks one (messages are not changed after).</summary>
public sealed class RequestSet
{
    /// <summary>Distinct activation vectors per run: enough that batches do not repeat a row, few enough to stay in cache.</summary>
    public const int ActivationVectors = 64;

    private readonly ScoreRequest[] _requests;

    private RequestSet(ScoreRequest[] requests) => _requests = requests;

    /// <summary>How many distinct requests the set holds.</summary>
    public int Count => _requests.Length;

    /// <summary>The request for the <paramref name="i"/>-th send (cycling).</summary>
    public ScoreRequest this[long i] => _requests[(int)(i % _requests.Length)];

    /// <summary><see cref="ActivationVectors"/> random F32 vectors of width <paramref name="dModel"/> (uniform in [−1, 1)), pooling
    /// NONE so they serve every probe, stamped with <paramref name="layer"/>.</summary>
    public static RequestSet Activations(int dModel, int layer, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dModel, 1);
        var rng = new Random(seed);
        var requests = new ScoreRequest[ActivationVectors];
        for (int r = 0; r < requests.Length; r++)
        {
            var bytes = new byte[dModel * sizeof(float)];
            for (int j = 0; j < dModel; j++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(j * sizeof(float)), (float)(rng.NextDouble() * 2 - 1));
            requests[r] = new ScoreRequest
            {
                RequestId = $"loadgen-{r}",
                Activations = new Protocol.Activations
                {
                    Data = UnsafeByteOperations.UnsafeWrap(bytes),
                    Dtype = Protocol.Activations.Types.DType.F32,
                    Shape = { dModel },
                    Layer = layer,
                    Pooling = Protocol.Activations.Types.Pooling.None,
                },
            };
        }
        return new RequestSet(requests);
    }

    /// <summary>One request per conversation: its turns' contents joined by newlines as a prompt, or the turns as a chat.</summary>
    public static RequestSet Texts(IReadOnlyList<IReadOnlyList<ChatTurn>> conversations, LoadMode mode)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        if (conversations.Count == 0) throw new ArgumentException("no texts to send.", nameof(conversations));
        if (mode == LoadMode.Activations) throw new ArgumentException("text requests need mode prompt or chat.", nameof(mode));
        var requests = new ScoreRequest[conversations.Count];
        for (int r = 0; r < requests.Length; r++)
        {
            var request = new ScoreRequest { RequestId = $"loadgen-{r}" };
            if (mode == LoadMode.Prompt) request.Prompt = string.Join('\n', conversations[r].Select(t => t.Content));
            else
            {
                var chat = new ChatMessages();
                foreach (var turn in conversations[r]) chat.Messages.Add(new ChatMessage { Role = turn.Role, Content = turn.Content });
                request.Chat = chat;
            }
            requests[r] = request;
        }
        return new RequestSet(requests);
    }
}
