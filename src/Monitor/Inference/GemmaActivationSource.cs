using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProbeMonitor.Model;
using ProbeMonitor.Tokenization;
using BundlePooling = ProbeMonitor.Probes.Bundles.Pooling;
using ModelPooling = ProbeMonitor.Model.Pooling;

namespace ProbeMonitor.Monitor.Inference;

/// <summary>The <see cref="IActivationSource"/> of a Gemma-2 checkpoint: <see cref="GemmaTokenizer"/> for text, <see cref="GemmaModel"/>
/// for the residual stream, every pooling a batch asks for from one forward pass.</summary>
/// <remarks>
/// <para>Text goes through the same functions <c>extract</c> uses: a prompt is <see cref="GemmaTokenizer.Encode"/> with
/// &lt;bos&gt;, a chat is <see cref="GemmaTokenizer.EncodeConversation"/> (so a single user turn is exactly
/// <c>extract --chat-template</c>). Tokenizing is thread-safe. Forward passes run one at a time on the thread pool
/// (<see cref="GemmaModel"/> parallelises inside a pass).</para>
/// <para>The model may be loaded only up to a layer (the highest any probe reads). A batch for a later layer loads the
/// checkpoint again up to that layer first (after a <c>ReloadProbes</c> brought such a probe), when the source was
/// loaded from a directory; a layer beyond the checkpoint's is refused.</para>
/// <para>The source owns the model and disposes it.</para>
/// </remarks>
public sealed class GemmaActivationSource : IActivationSource, IDisposable
{
    private readonly GemmaTokenizer _tokenizer;
    private readonly string? _modelDirectory;
    private readonly SemaphoreSlim _forwardGate = new(1, 1);
    private GemmaModel _model;
    private int _disposed;

    /// <summary>A source over an opened model (taking ownership of it) and its tokenizer.</summary>
    /// <exception cref="ArgumentException">The tokenizer has ids the model's embedding lacks, or the model id is empty.</exception>
    public GemmaActivationSource(GemmaModel model, GemmaTokenizer tokenizer, string modelId) : this(model, tokenizer, modelId, null) { }

    private GemmaActivationSource(GemmaModel model, GemmaTokenizer tokenizer, string modelId, string? modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException(
                $"the tokenizer has {tokenizer.VocabSize} ids but the model's vocab_size is {model.Config.VocabSize}: they are not the same model's.", nameof(tokenizer));
        _model = model;
        _tokenizer = tokenizer;
        _modelDirectory = modelDirectory;
        ModelId = modelId;
        Config = model.Config;
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int DModel => Config.HiddenSize;

    /// <summary>The checkpoint's hyper-parameters.</summary>
    public GemmaConfig Config { get; }

    /// <summary>The longest sequence served: max_position_embeddings.</summary>
    public int MaxSequenceLength => Config.MaxPositionEmbeddings;

    /// <summary>How many layers are loaded now (0..LoadedLayers − 1).</summary>
    public int LoadedLayers => Volatile.Read(ref _model).LoadedLayers;

    /// <summary>Opens the checkpoint in <paramref name="modelDirectory"/> up to layer <paramref name="maxLayer"/> (all layers when null
    /// or beyond the last) and the tokenizer at <paramref name="tokenizerPath"/> (default: the directory's tokenizer.json).</summary>
    /// <param name="modelDirectory">A Hugging Face Gemma-2 checkpoint: config.json and model.safetensors (or shards).</param>
    /// <param name="tokenizerPath">tokenizer.json or its folder; null for <paramref name="modelDirectory"/>/tokenizer.json.</param>
    /// <param name="modelId">The id probes name; null for <see cref="ResolveModelId"/>'s choice.</param>
    /// <param name="maxLayer">The highest layer to load; null for all.</param>
    /// <exception cref="ModelLoadException">The directory, config, weights or tokenizer is missing or unusable; the message says which.</exception>
    public static GemmaActivationSource Load(string modelDirectory, string? tokenizerPath = null, string? modelId = null, int? maxLayer = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        var dir = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(dir)) throw new ModelLoadException($"cannot load the model: the model directory '{dir}' does not exist.");
        var tokenizerFile = Path.GetFullPath(tokenizerPath ?? Path.Combine(dir, "tokenizer.json"));
        if (Directory.Exists(tokenizerFile)) tokenizerFile = Path.Combine(tokenizerFile, "tokenizer.json");
        if (!File.Exists(tokenizerFile))
            throw new ModelLoadException(tokenizerPath is null
                ? $"cannot load the model '{dir}': it has no tokenizer.json; put the model's tokenizer.json there or pass --tokenizer PATH."
                : $"cannot load the model '{dir}': the tokenizer '{tokenizerFile}' does not exist.");

        GemmaTokenizer tokenizer;
        try
        {
            tokenizer = GemmaTokenizer.Load(tokenizerFile);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"cannot load the model '{dir}': the tokenizer '{tokenizerFile}' is unusable: {e.Message}", e);
        }

        GemmaModel? model = null;
        try
        {
            var config = GemmaConfig.Load(Path.Combine(dir, "config.json"));
            int? upTo = maxLayer is { } m && m >= 0 && m < config.NumHiddenLayers ? m : null;
            model = GemmaModel.Load(dir, upTo);
            return new GemmaActivationSource(model, tokenizer, ResolveModelId(dir, modelId), dir);
        }
        catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            model?.Dispose();
            throw new ModelLoadException(e is ArgumentException
                ? $"cannot load the model '{dir}' with the tokenizer '{tokenizerFile}': {e.Message}"
                : $"cannot load the model '{dir}': {e.Message}", e);
        }
    }

    /// <summary>The id probes must name: <paramref name="configured"/> when set, else config.json's <c>_name_or_path</c>, else the
    /// directory's name. Never throws: an unreadable config leaves the directory's name (loading reports the config).</summary>
    public static string ResolveModelId(string modelDirectory, string? configured = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        if (!string.IsNullOrWhiteSpace(configured)) return configured.Trim();
        var dir = Path.GetFullPath(modelDirectory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        try
        {
            if (JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))) is JsonObject config
                && config["_name_or_path"] is JsonValue name && name.GetValueKind() == JsonValueKind.String
                && name.GetValue<string>() is { } text && !string.IsNullOrWhiteSpace(text))
                return text.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Fall through to the directory's name.
        }
        return Path.GetFileName(dir);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The prompt is empty or longer than <see cref="MaxSequenceLength"/> tokens.</exception>
    public int[] Tokenize(string prompt)
    {
        if (string.IsNullOrEmpty(prompt)) throw new ArgumentException("the prompt is empty; send at least one character.", nameof(prompt));
        return CheckLength(_tokenizer.Encode(prompt, addBos: true), "the prompt");
    }

    /// <inheritdoc />
    public int[] ApplyChatTemplate(IReadOnlyList<ChatTurn> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = new ChatMessage[messages.Count];
        for (int i = 0; i < turns.Length; i++)
        {
            var turn = messages[i] ?? throw new ArgumentException($"messages[{i}] is null.", nameof(messages));
            turns[i] = new ChatMessage(turn.Role, turn.Content ?? "");
        }
        return CheckLength(_tokenizer.EncodeConversation(turns), "the chat");
    }

    /// <inheritdoc />
    public async Task<ForwardResult> ForwardAsync(ForwardBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Validate(batch);
        var poolings = batch.Poolings.Distinct().ToArray();
        await _forwardGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Forward(batch.Sequences, batch.Layer, poolings), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _forwardGate.Release();
        }
    }

    /// <summary>Releases the model (its memory-mapped checkpoint).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _model.Dispose();
        _forwardGate.Dispose();
    }

    private ForwardResult Forward(IReadOnlyList<int[]> sequences, int layer, BundlePooling[] poolings)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var model = ModelWithLayer(layer);
        var streams = model.ResidualStreams(sequences, [layer], poolings.Select(ToModel).ToArray());
        int d = DModel;
        var pooled = new Dictionary<BundlePooling, float[]>(poolings.Length);
        foreach (var pooling in poolings)
        {
            var stream = streams[ToModel(pooling)];
            var all = new float[sequences.Count * d];
            for (int s = 0; s < sequences.Count; s++) stream.Get(layer, s).CopyTo(all, s * d);
            pooled[pooling] = all;
        }
        return new ForwardResult(pooled);
    }

    /// <summary>The model, reloaded up to <paramref name="layer"/> when it was loaded short of it (under the forward gate).</summary>
    private GemmaModel ModelWithLayer(int layer)
    {
        var model = _model;
        if (layer < model.LoadedLayers) return model;
        if (_modelDirectory is null)
            throw new ArgumentException($"layer {layer} is not available: this model has layers 0..{model.LoadedLayers - 1} loaded.");
        var grown = GemmaModel.Load(_modelDirectory, layer);
        Volatile.Write(ref _model, grown);
        model.Dispose();
        return grown;
    }

    private void Validate(ForwardBatch batch)
    {
        if (batch.Poolings.Count == 0) throw new ArgumentException("the batch asks for no pooling.", nameof(batch));
        if (batch.Sequences.Count == 0) throw new ArgumentException("the batch has no sequences.", nameof(batch));
        if (batch.Layer < 0 || batch.Layer >= Config.NumHiddenLayers)
            throw new ArgumentException(
                $"layer {batch.Layer} does not exist: model '{ModelId}' has layers 0..{Config.NumHiddenLayers - 1}.", nameof(batch));
        int vocab = Config.VocabSize;
        for (int s = 0; s < batch.Sequences.Count; s++)
        {
            var ids = batch.Sequences[s] ?? throw new ArgumentException($"sequence {s} is null.", nameof(batch));
            if (ids.Length == 0) throw new ArgumentException($"sequence {s} is empty; at least one token is needed.", nameof(batch));
            if (ids.Length > MaxSequenceLength)
                throw new ArgumentException(TooLong($"sequence {s}", ids.Length), nameof(batch));
            for (int t = 0; t < ids.Length; t++)
                if ((uint)ids[t] >= (uint)vocab)
                    throw new ArgumentException($"sequence {s} token {t} has id {ids[t]}, outside the vocabulary [0, {vocab}).", nameof(batch));
        }
    }

    private int[] CheckLength(int[] ids, string what) =>
        ids.Length <= MaxSequenceLength ? ids : throw new ArgumentException(TooLong(what, ids.Length));

    private string TooLong(string what, int length) => string.Create(CultureInfo.InvariantCulture,
        $"{what} has {length} tokens; model '{ModelId}' reads at most {MaxSequenceLength} (max_position_embeddings).");

    private static ModelPooling ToModel(BundlePooling pooling) => pooling switch
    {
        BundlePooling.Last => ModelPooling.Last,
        BundlePooling.Mean => ModelPooling.Mean,
        BundlePooling.Max => ModelPooling.Max,
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown pooling"),
    };
}
