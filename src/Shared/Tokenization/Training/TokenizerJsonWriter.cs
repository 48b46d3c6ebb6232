using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProbeMonitor.Tokenization.Training;

/// <summary>Writes a <see cref="TrainedTokenizer"/> as a Hugging Face tokenizer.json laid out like Gemma's.</summary>
/// <remarks>
/// Gemma's pipeline: a Replace normaliser " " → "▁", no pre-tokeniser, a TemplateProcessing post-processor that puts &lt;bos&gt;
/// first, a BPE model with byte_fallback and fuse_unk, and a decoder Replace "▁" → " ", ByteFallback, Fuse. Merges use the
/// "left right" string form Gemma's file uses; that is unambiguous because no token holds a plain space (the normaliser
/// removes them all). Output bytes depend only on the tokenizer, so the same training gives the same file.
/// </remarks>
public static class TokenizerJsonWriter
{
    /// <summary>The UTF-8 JSON.</summary>
    public static byte[] ToUtf8(TrainedTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            foreach (var t in tokenizer.AddedTokens)
            {
                w.WriteStartObject();
                w.WriteNumber("id", t.Id);
                w.WriteString("content", t.Content);
                w.WriteBoolean("single_word", t.SingleWord);
                w.WriteBoolean("lstrip", t.LStrip);
                w.WriteBoolean("rstrip", t.RStrip);
                w.WriteBoolean("normalized", t.Normalized);
                w.WriteBoolean("special", t.Special);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("normalizer");
            WriteReplace(w, " ", "\u2581");
            w.WriteEndObject();
            w.WriteNull("pre_tokenizer");
            WritePostProcessor(w, tokenizer);
            w.WriteStartObject("decoder");
            w.WriteString("type", "Sequence");
            w.WriteStartArray("decoders");
            w.WriteStartObject();
            WriteReplace(w, "\u2581", " ");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "ByteFallback");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "Fuse");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            WriteModel(w, tokenizer);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Writes the JSON to <paramref name="path"/> through a temporary file, so a failure never leaves half a file.</summary>
    public static void Write(TrainedTokenizer tokenizer, string path)
    {
        var bytes = ToUtf8(tokenizer);
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } dir) Directory.CreateDirectory(dir);
        string temp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, full, overwrite: true);
    }

    private static void WriteReplace(Utf8JsonWriter w, string pattern, string content)
    {
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", pattern);
        w.WriteEndObject();
        w.WriteString("content", content);
    }

    private static void WritePostProcessor(Utf8JsonWriter w, TrainedTokenizer tokenizer)
    {
        int bos = tokenizer.AddedTokens.Single(t => t.Content == GemmaTokenLayout.Bos).Id;
        w.WriteStartObject("post_processor");
        w.WriteString("type", "TemplateProcessing");
        w.WriteStartArray("single");
        Special(w);
        Sequence(w, "A", 0);
        w.WriteEndArray();
        w.WriteStartArray("pair");
        Special(w);
        Sequence(w, "A", 0);
        Special(w, 1);
        Sequence(w, "B", 1);
        w.WriteEndArray();
        w.WriteStartObject("special_tokens");
        w.WriteStartObject(GemmaTokenLayout.Bos);
        w.WriteString("id", GemmaTokenLayout.Bos);
        w.WriteStartArray("ids");
        w.WriteNumberValue(bos);
        w.WriteEndArray();
        w.WriteStartArray("tokens");
        w.WriteStringValue(GemmaTokenLayout.Bos);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        static void Special(Utf8JsonWriter w, int typeId = 0)
        {
            w.WriteStartObject();
            w.WriteStartObject("SpecialToken");
            w.WriteString("id", GemmaTokenLayout.Bos);
            w.WriteNumber("type_id", typeId);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        static void Sequence(Utf8JsonWriter w, string id, int typeId)
        {
            w.WriteStartObject();
            w.WriteStartObject("Sequence");
            w.WriteString("id", id);
            w.WriteNumber("type_id", typeId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }

    private static void WriteModel(Utf8JsonWriter w, TrainedTokenizer tokenizer)
    {
        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteString("unk_token", GemmaTokenLayout.Unk);
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", true);
        w.WriteBoolean("byte_fallback", true);
        w.WriteBoolean("ignore_merges", false);
        w.WriteStartObject("vocab");
        for (int id = 0; id < tokenizer.Tokens.Count; id++) w.WriteNumber(tokenizer.Tokens[id], id);
        w.WriteEndObject();
        w.WriteStartArray("merges");
        foreach (var (left, right) in tokenizer.Merges)
        {
            if (left.Contains(' ') || right.Contains(' '))
                throw new InvalidOperationException($"merge (\"{left}\", \"{right}\") holds a space; the \"left right\" form cannot express it.");
            w.WriteStringValue(left + " " + right);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
