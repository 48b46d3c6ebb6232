namespace ProbeMonitor.Tokenization;

/// <summary>The Gemma / Gemma-2 tokenizer, read from a Hugging Face tokenizer.json: added tokens, then the normaliser, then BPE with byte fallback.</summary>
/// <remarks>
/// Encoding follows Hugging Face tokenizers (and transformers.js, which produced the golden ids): added tokens with normalized=false
/// are found in the raw text (leftmost, longest); each stretch between them is normalised (Gemma: " " → "▁", no dummy prefix) and,
/// after any normalized=true added tokens are split off, encoded by <see cref="BpeModel"/>. Special tokens written in the text are
/// recognised as such (so user text containing "&lt;end_of_turn&gt;" becomes that token, as in Hugging Face).
/// Lone UTF-16 surrogates, which no UTF-8 tokenizer can see, are replaced by U+FFFD before encoding.
/// Instances are immutable apart from an internal word cache and are safe to use from several threads.
/// </remarks>
public sealed class GemmaTokenizer
{
    private readonly BpeModel _model;
    private readonly IReadOnlyList<NormalizerStep> _normalizer;
    private readonly IReadOnlyList<DecoderStep>? _decoder;
    private readonly AddedTokenSplitter _rawSplitter;
    private readonly AddedTokenSplitter _normalizedSplitter;
    private readonly TokenVocabulary _vocab;
    private readonly Dictionary<string, int> _addedByContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _addedById = [];
    private readonly bool[] _special;

    private GemmaTokenizer(TokenizerSpec spec, string source)
    {
        _model = new BpeModel(spec, source);
        _normalizer = spec.Normalizer;
        _decoder = spec.Decoder;
        _vocab = spec.Vocab;
        AddedTokens = spec.AddedTokens;
        _rawSplitter = new AddedTokenSplitter(spec.AddedTokens.Where(t => !t.Normalized), t => t.Content);
        _normalizedSplitter = new AddedTokenSplitter(spec.AddedTokens.Where(t => t.Normalized), t => Normalize(t.Content));

        VocabSize = Math.Max(spec.Vocab.IdBound, spec.AddedTokens.Count == 0 ? 0 : spec.AddedTokens.Max(t => t.Id) + 1);
        _special = new bool[VocabSize];
        foreach (var t in spec.AddedTokens)
        {
            _addedById[t.Id] = t.Content;
            _special[t.Id] |= t.Special;
            _addedByContent.TryAdd(t.Content, t.Id);
        }

        PadId = Required("<pad>", source);
        EosId = Required("<eos>", source);
        BosId = Required("<bos>", source);
        UnkId = Required(spec.UnkToken ?? "<unk>", source);
        StartOfTurnId = Required("<start_of_turn>", source);
        EndOfTurnId = Required("<end_of_turn>", source);
    }

    /// <summary>Loads tokenizer.json, given its path or the folder holding it.</summary>
    /// <exception cref="FileNotFoundException">There is no such file (or no tokenizer.json in the folder).</exception>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the field.</exception>
    /// <exception cref="NotSupportedException">The file needs a model or pipeline step other than Gemma's (e.g. model.type 'WordPiece').</exception>
    public static GemmaTokenizer Load(string pathOrDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrDir);
        var path = Directory.Exists(pathOrDir) ? Path.Combine(pathOrDir, "tokenizer.json") : pathOrDir;
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer file not found: {path}", path);
        return FromJson(File.ReadAllBytes(path), path);
    }

    /// <summary>Builds a tokenizer from the UTF-8 bytes of a tokenizer.json; <paramref name="sourceName"/> names it in errors.</summary>
    public static GemmaTokenizer FromJson(ReadOnlySpan<byte> utf8Json, string sourceName = "tokenizer.json") =>
        new(TokenizerJsonReader.Read(utf8Json, sourceName), sourceName);

    /// <summary>The number of ids (one more than the largest).</summary>
    public int VocabSize { get; }

    /// <summary>Id of &lt;bos&gt;, which <see cref="Encode"/> prepends by default.</summary>
    public int BosId { get; }

    /// <summary>Id of &lt;eos&gt;.</summary>
    public int EosId { get; }

    /// <summary>Id of &lt;pad&gt;.</summary>
    public int PadId { get; }

    /// <summary>Id of the model's unknown token (&lt;unk&gt;).</summary>
    public int UnkId { get; }

    /// <summary>Id of &lt;start_of_turn&gt;.</summary>
    public int StartOfTurnId { get; }

    /// <summary>Id of &lt;end_of_turn&gt;.</summary>
    public int EndOfTurnId { get; }

    /// <summary>The added tokens, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The token text of an id (added tokens verbatim, vocabulary tokens with "▁"), or null if no token has it.</summary>
    public string? IdToToken(int id) => _addedById.TryGetValue(id, out var added) ? added : _vocab.TokenString(id);

    /// <summary>The id of a token's exact text (added tokens first), or null.</summary>
    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out int a) ? a : _vocab.Find(token) is int v and >= 0 ? v : null;

    /// <summary>Whether an id is a special added token (what <see cref="Decode"/> skips on request).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_special.Length && _special[id];

    /// <summary>Encodes text to ids, with &lt;bos&gt; first when <paramref name="addBos"/>.</summary>
    public int[] Encode(string text, bool addBos = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = ReplaceLoneSurrogates(text);
        var output = new List<int>(text.Length / 3 + 2);
        if (addBos) output.Add(BosId);
        var pieces = new List<TextPiece>();
        _rawSplitter.Split(text, pieces);
        var inner = _normalizedSplitter.IsEmpty ? null : new List<TextPiece>();
        foreach (var piece in pieces)
        {
            if (piece.Token is { } token)
            {
                output.Add(token.Id);
                continue;
            }
            var normalized = Normalize(text.Substring(piece.Start, piece.Length));
            if (inner is null)
            {
                _model.Encode(normalized, output);
                continue;
            }
            inner.Clear();
            _normalizedSplitter.Split(normalized, inner);
            foreach (var sub in inner)
            {
                if (sub.Token is { } t) output.Add(t.Id);
                else _model.Encode(normalized.AsSpan(sub.Start, sub.Length), output);
            }
        }
        return output.ToArray();
    }

    /// <summary>Renders a chat with <see cref="ChatTemplate.Render"/> and encodes it; the template's own &lt;bos&gt; is the only one.</summary>
    public int[] EncodeChat(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true) =>
        Encode(ChatTemplate.Render(messages, addGenerationPrompt), addBos: false);

    /// <summary>Encodes a conversation as the model reads it before it answers: the chat template, ending with the
    /// generation prompt ("&lt;start_of_turn&gt;model\n") when the last turn is the user's.</summary>
    /// <remarks>
    /// The one chat path of training and serving: <c>extract --chat-template</c> encodes each text as a single user turn
    /// through this, and the sidecar's <c>chat</c> requests go through it too, so a probe reads the activations it was
    /// trained on. A conversation that ends with the model's turn is read as written (no empty model turn after it).
    /// </remarks>
    /// <exception cref="ArgumentException">There are no messages, or <see cref="ChatTemplate.Render"/> refuses them.</exception>
    public int[] EncodeConversation(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("the conversation has no messages; at least one user turn is needed.", nameof(messages));
        return EncodeChat(messages, addGenerationPrompt: messages[^1]?.Role == "user");
    }

    /// <summary>Decodes ids to text: "▁" becomes a space, byte-fallback runs become the UTF-8 text they spell.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="skipSpecial">Drop special added tokens (&lt;bos&gt;, &lt;eos&gt;, &lt;start_of_turn&gt;, ...).</param>
    /// <exception cref="ArgumentOutOfRangeException">An id has no token; the message names it.</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecial = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (IdToToken(id) is not { } token)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the vocabulary (0..{VocabSize - 1})");
            if (!(skipSpecial && _special[id])) tokens.Add(token);
        }
        if (_decoder is null) return string.Join(' ', tokens); // Hugging Face's behaviour without a decoder
        foreach (var step in _decoder) tokens = step.Apply(tokens);
        return string.Concat(tokens);
    }

    /// <summary>Replaces each unpaired UTF-16 surrogate by U+FFFD; returns the same string when there is none.</summary>
    internal static string ReplaceLoneSurrogates(string text)
    {
        int first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0) return text;
        var chars = text.ToCharArray();
        for (int i = first; i < chars.Length; i++)
        {
            if (!char.IsSurrogate(chars[i])) continue;
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private string Normalize(string text)
    {
        foreach (var step in _normalizer) text = step.Apply(text);
        return text;
    }

    private int Required(string token, string source) =>
        TokenToId(token) ?? throw new InvalidDataException($"{source}: no '{token}' token in model.vocab or added_tokens; not a Gemma tokenizer");
}
