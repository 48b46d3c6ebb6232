using System.Text.Json;

namespace ProbeMonitor.Tokenization;

/// <summary>Streams a Hugging Face tokenizer.json into a <see cref="TokenizerSpec"/> with <see cref="Utf8JsonReader"/> (no DOM: the file is 17 MB).</summary>
internal sealed class TokenizerJsonReader
{
    /// <summary>Ids above this are rejected: the id → token table is an array, and a hostile file must not make it huge.</summary>
    public const int MaxId = (1 << 24) - 1;

    private readonly string _source;
    private byte[] _bytes = new byte[256];

    private TokenizerJsonReader(string source) => _source = source;

    /// <summary>Parses the UTF-8 JSON; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed or a field is missing or of the wrong kind.</exception>
    /// <exception cref="NotSupportedException">The file asks for a model, normaliser, pre-tokeniser or decoder this tokenizer does not implement.</exception>
    public static TokenizerSpec Read(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return new TokenizerJsonReader(source).ReadRoot(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: malformed JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex) // System.Text.Json's report of a string that cannot be transcoded
        {
            throw new InvalidDataException($"{source}: malformed JSON string: {ex.Message}", ex);
        }
    }

    private sealed class ModelFields
    {
        public string? Type;
        public TokenVocabulary? Vocab;
        public Range? MergesBytes;
        public string? UnkToken;
        public bool ByteFallback, FuseUnk, IgnoreMerges;
    }

    private TokenizerSpec ReadRoot(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw Bad("the top level must be a JSON object");
        ModelFields? model = null;
        List<AddedToken> added = [];
        List<NormalizerStep> normalizer = [];
        List<DecoderStep>? decoder = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "added_tokens": added = ReadAddedTokens(ref reader); break;
                case "normalizer": normalizer = ReadNormalizer(ref reader, "normalizer"); break;
                case "pre_tokenizer": RejectUnlessNull(ref reader, "pre_tokenizer"); break;
                case "decoder": decoder = reader.TokenType == JsonTokenType.Null ? null : ReadDecoder(ref reader, "decoder"); break;
                case "model": model = ReadModel(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        if (model is null) throw Bad("field 'model' is missing");
        var merges = ReadMerges(json[model.MergesBytes!.Value], model.Vocab!);
        return new TokenizerSpec(model.Vocab!, merges, added, normalizer, decoder,
            model.UnkToken, model.ByteFallback, model.FuseUnk, model.IgnoreMerges);
    }

    private ModelFields ReadModel(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model");
        var m = new ModelFields();
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "type": m.Type = ReadString(ref reader, "model.type"); break;
                case "vocab": m.Vocab = ReadVocab(ref reader); break;
                case "merges":
                    Expect(ref reader, JsonTokenType.StartArray, "model.merges");
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip(); // resolved after the whole file is read: merges need the vocab, whatever the key order
                    m.MergesBytes = start..(int)reader.BytesConsumed;
                    break;
                case "unk_token": m.UnkToken = ReadNullableString(ref reader, "model.unk_token"); break;
                case "byte_fallback": m.ByteFallback = ReadBool(ref reader, "model.byte_fallback"); break;
                case "fuse_unk": m.FuseUnk = ReadBool(ref reader, "model.fuse_unk"); break;
                case "ignore_merges": m.IgnoreMerges = ReadBool(ref reader, "model.ignore_merges"); break;
                case "dropout":
                    if (reader.TokenType == JsonTokenType.Number && reader.GetDouble() != 0)
                        throw new NotSupportedException($"{_source}: model.dropout {reader.GetDouble()} is not supported (encoding must be deterministic)");
                    if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.Null)) throw Bad("model.dropout must be a number or null");
                    break;
                case "continuing_subword_prefix" or "end_of_word_suffix":
                    if (ReadNullableString(ref reader, $"model.{name}") is { Length: > 0 } affix)
                        throw new NotSupportedException($"{_source}: model.{name} '{affix}' is not supported");
                    break;
                default: reader.Skip(); break;
            }
        }
        if (m.Type is null) throw Bad("field 'model.type' is missing");
        if (m.Type != "BPE") throw new NotSupportedException($"{_source}: model.type '{m.Type}' is not supported; only BPE is");
        if (m.Vocab is null) throw Bad("field 'model.vocab' is missing");
        if (m.MergesBytes is null) throw Bad("field 'model.merges' is missing");
        return m;
    }

    private TokenVocabulary ReadVocab(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model.vocab");
        var vocab = new TokenVocabulary();
        while (true)
        {
            if (!reader.Read()) throw Bad("the file ends inside model.vocab");
            if (reader.TokenType == JsonTokenType.EndObject) return vocab;
            // Property names are used as raw UTF-8 when unescaped: no string per token.
            var token = reader.ValueIsEscaped ? _bytes.AsSpan(0, CopyString(ref reader, 0)) : reader.ValueSpan;
            if (!System.Text.Unicode.Utf8.IsValid(token)) throw Bad($"model.vocab has a token that is not valid UTF-8 ({Convert.ToHexString(token)})");
            if (!reader.Read()) throw Bad("the file ends inside model.vocab");
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id) || id is < 0 or > MaxId)
                throw Bad($"model.vocab[\"{Text(token)}\"] must be an integer id in [0, {MaxId}]");
            if (vocab.HasId(id)) throw Bad($"model.vocab gives id {id} to both \"{Text(vocab.Utf8(id))}\" and \"{Text(token)}\"");
            if (!vocab.TryAdd(token, id)) throw Bad($"model.vocab lists \"{Text(token)}\" twice");
        }
    }

    private MergeTable ReadMerges(ReadOnlySpan<byte> array, TokenVocabulary vocab)
    {
        var merges = new MergeTable(array.Length / 20); // Gemma's file spends ~20 bytes per merge
        var reader = new Utf8JsonReader(array);
        reader.Read(); // the '[' that ReadModel already checked
        int rank = 0, previousMerged = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int leftLength, length;
            if (reader.TokenType == JsonTokenType.String)
            {
                // Legacy form "left right": the first space separates the halves. Most need no unescaping.
                length = reader.ValueIsEscaped ? CopyString(ref reader, 0) : CopyRaw(reader.ValueSpan);
                leftLength = _bytes.AsSpan(0, length).IndexOf((byte)' ');
                if (leftLength < 0) throw Bad($"model.merges[{rank}] \"{Text(_bytes.AsSpan(0, length))}\" has no space between its two tokens");
                _bytes.AsSpan(leftLength + 1, length - leftLength - 1).CopyTo(_bytes.AsSpan(leftLength));
                length--;
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String) throw Bad($"model.merges[{rank}] must hold two strings");
                leftLength = CopyString(ref reader, 0);
                if (!reader.Read() || reader.TokenType != JsonTokenType.String) throw Bad($"model.merges[{rank}] must hold two strings");
                length = CopyString(ref reader, leftLength);
                if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) throw Bad($"model.merges[{rank}] must hold exactly two strings");
            }
            else throw Bad($"model.merges[{rank}] must be a string \"a b\" or an array [\"a\", \"b\"]");

            var all = _bytes.AsSpan(0, length);
            int left = vocab.Find(all[..leftLength]), right = vocab.Find(all[leftLength..]);
            // Files converted from SentencePiece list merges in the order of their results' ids (Gemma: every result is the
            // previous one's id or the next), so try those two before hashing: it saves a cache miss per merge.
            int merged = vocab.Is(previousMerged, all) ? previousMerged : vocab.Is(previousMerged + 1, all) ? previousMerged + 1 : vocab.Find(all);
            previousMerged = merged;
            if (left < 0 || right < 0 || merged < 0)
                throw Bad($"model.merges[{rank}] (\"{Text(all[..leftLength])}\" + \"{Text(all[leftLength..])}\") names a token missing from model.vocab");
            merges.Set(left, right, rank, merged);
            rank++;
        }
        return merges;
    }

    /// <summary>Unescapes the current string or property name as UTF-8 into <see cref="_bytes"/> at <paramref name="at"/>; returns the new end.</summary>
    private int CopyString(ref Utf8JsonReader reader, int at)
    {
        int needed = at + (reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length);
        if (needed > _bytes.Length) Array.Resize(ref _bytes, Math.Max(needed, _bytes.Length * 2));
        return at + reader.CopyString(_bytes.AsSpan(at));
    }

    private int CopyRaw(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(utf8.Length, _bytes.Length * 2));
        utf8.CopyTo(_bytes);
        return utf8.Length;
    }

    private static string Text(ReadOnlySpan<byte> utf8) => System.Text.Encoding.UTF8.GetString(utf8);

    private List<AddedToken> ReadAddedTokens(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "added_tokens");
        var list = new List<AddedToken>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string at = $"added_tokens[{list.Count}]";
            Expect(ref reader, JsonTokenType.StartObject, at);
            int? id = null;
            string? content = null;
            bool special = false, lstrip = false, rstrip = false, singleWord = false;
            bool? normalized = null;
            while (NextProperty(ref reader, out var name))
            {
                switch (name)
                {
                    case "id":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int v) || v is < 0 or > MaxId)
                            throw Bad($"{at}.id must be an integer id in [0, {MaxId}]");
                        id = v;
                        break;
                    case "content": content = ReadString(ref reader, $"{at}.content"); break;
                    case "special": special = ReadBool(ref reader, $"{at}.special"); break;
                    case "normalized": normalized = ReadBool(ref reader, $"{at}.normalized"); break;
                    case "lstrip": lstrip = ReadBool(ref reader, $"{at}.lstrip"); break;
                    case "rstrip": rstrip = ReadBool(ref reader, $"{at}.rstrip"); break;
                    case "single_word": singleWord = ReadBool(ref reader, $"{at}.single_word"); break;
                    default: reader.Skip(); break;
                }
            }
            if (id is null) throw Bad($"field '{at}.id' is missing");
            if (string.IsNullOrEmpty(content)) throw Bad($"field '{at}.content' is missing or empty");
            list.Add(new AddedToken(id.Value, content, special, normalized ?? !special, lstrip, rstrip, singleWord));
        }
        return list;
    }

    private List<NormalizerStep> ReadNormalizer(ref Utf8JsonReader reader, string at)
    {
        if (reader.TokenType == JsonTokenType.Null) return [];
        Expect(ref reader, JsonTokenType.StartObject, at);
        string? type = null, pattern = null, content = null, prepend = null;
        List<NormalizerStep> nested = [];
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "type": type = ReadString(ref reader, $"{at}.type"); break;
                case "pattern": pattern = ReadPattern(ref reader, $"{at}.pattern"); break;
                case "content": content = ReadString(ref reader, $"{at}.content"); break;
                case "prepend": prepend = ReadString(ref reader, $"{at}.prepend"); break;
                case "normalizers":
                    Expect(ref reader, JsonTokenType.StartArray, $"{at}.normalizers");
                    for (int k = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; k++)
                        nested.AddRange(ReadNormalizer(ref reader, $"{at}.normalizers[{k}]"));
                    break;
                default: reader.Skip(); break;
            }
        }
        return type switch
        {
            "Sequence" => nested,
            "Replace" => [new ReplaceNormalizer(Required(pattern, $"{at}.pattern"), Required(content, $"{at}.content"))],
            "Prepend" => [new PrependNormalizer(Required(prepend, $"{at}.prepend"))],
            null => throw Bad($"field '{at}.type' is missing"),
            _ => throw new NotSupportedException($"{_source}: {at}.type '{type}' is not supported (only Replace, Prepend, Sequence)"),
        };
    }

    private List<DecoderStep> ReadDecoder(ref Utf8JsonReader reader, string at)
    {
        Expect(ref reader, JsonTokenType.StartObject, at);
        string? type = null, pattern = null, content = null;
        int start = 0, stop = 0;
        List<DecoderStep> nested = [];
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "type": type = ReadString(ref reader, $"{at}.type"); break;
                case "pattern": pattern = ReadPattern(ref reader, $"{at}.pattern"); break;
                case "content": content = ReadString(ref reader, $"{at}.content"); break;
                case "start": start = ReadSmallInt(ref reader, $"{at}.start"); break;
                case "stop": stop = ReadSmallInt(ref reader, $"{at}.stop"); break;
                case "decoders":
                    Expect(ref reader, JsonTokenType.StartArray, $"{at}.decoders");
                    for (int k = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; k++)
                        nested.AddRange(ReadDecoder(ref reader, $"{at}.decoders[{k}]"));
                    break;
                default: reader.Skip(); break;
            }
        }
        return type switch
        {
            "Sequence" => nested,
            "Replace" => [new ReplaceDecoder(Required(pattern, $"{at}.pattern"), Required(content, $"{at}.content"))],
            "ByteFallback" => [new ByteFallbackDecoder()],
            "Fuse" => [new FuseDecoder()],
            "Strip" when content is { Length: 1 } => [new StripDecoder(content[0], start, stop)],
            "Strip" => throw Bad($"{at}.content must be one character"),
            null => throw Bad($"field '{at}.type' is missing"),
            _ => throw new NotSupportedException($"{_source}: {at}.type '{type}' is not supported (only Replace, ByteFallback, Fuse, Strip, Sequence)"),
        };
    }

    /// <summary>Reads {"String": "…"}; regex patterns are not supported.</summary>
    private string ReadPattern(ref Utf8JsonReader reader, string at)
    {
        Expect(ref reader, JsonTokenType.StartObject, at);
        string? literal = null;
        while (NextProperty(ref reader, out var name))
        {
            if (name == "String") literal = ReadString(ref reader, $"{at}.String");
            else throw new NotSupportedException($"{_source}: {at} kind '{name}' is not supported (only String)");
        }
        if (string.IsNullOrEmpty(literal)) throw Bad($"{at}.String is missing or empty");
        return literal;
    }

    private void RejectUnlessNull(ref Utf8JsonReader reader, string at)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        Expect(ref reader, JsonTokenType.StartObject, at);
        string? type = null;
        while (NextProperty(ref reader, out var name))
        {
            if (name == "type") type = ReadString(ref reader, $"{at}.type");
            else reader.Skip();
        }
        throw new NotSupportedException($"{_source}: {at} '{type}' is not supported (Gemma's file has none)");
    }

    /// <summary>Advances to the next property of the current object and onto its value; false at the object's end.</summary>
    private bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        if (!reader.Read()) throw Bad("the file ends inside an object");
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }
        name = reader.GetString()!;
        if (!reader.Read()) throw Bad($"the file ends after property '{name}'");
        return true;
    }

    private void Expect(ref Utf8JsonReader reader, JsonTokenType type, string at)
    {
        if (reader.TokenType != type) throw Bad($"field '{at}' must be {Describe(type)}, not {Describe(reader.TokenType)}");
    }

    private string ReadString(ref Utf8JsonReader reader, string at)
    {
        Expect(ref reader, JsonTokenType.String, at);
        return reader.GetString()!;
    }

    private string? ReadNullableString(ref Utf8JsonReader reader, string at) =>
        reader.TokenType == JsonTokenType.Null ? null : ReadString(ref reader, at);

    private bool ReadBool(ref Utf8JsonReader reader, string at) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw Bad($"field '{at}' must be true or false, not {Describe(reader.TokenType)}"),
    };

    private int ReadSmallInt(ref Utf8JsonReader reader, string at) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int v) && v is >= 0 and <= 1024
            ? v
            : throw Bad($"field '{at}' must be an integer in [0, 1024]");

    private string Required(string? value, string at) => value ?? throw Bad($"field '{at}' is missing");

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private InvalidDataException Bad(string what) => new($"{_source}: {what}");
}
