using System.Text;
using System.Text.Json;

namespace ProbeMonitor.Shared.Tests.Tokenization;

/// <summary>
/// An independent, deliberately simple Gemma encoder used as the reference for <c>GemmaTokenizer</c>: the file is read with a
/// JsonDocument DOM, added tokens are found by trying every one at every position, and BPE rescans all adjacent pairs for the
/// lowest rank after every merge (O(n²)), over whole sections with no word splitting; byte fallback is applied after merging,
/// as transformers.js does. Shared by the tests and the tokenizer benchmark (which links this file).
/// </summary>
public sealed class NaiveGemmaReference
{
    private readonly Dictionary<string, int> _vocab = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _ranks = [];
    private readonly List<(string Content, int Id)> _added = [];
    private readonly int _unkId, _bosId;

    /// <summary>Reads a tokenizer.json with Gemma's layout (Replace normaliser, no pre-tokeniser, BPE with byte fallback).</summary>
    public NaiveGemmaReference(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        foreach (var p in model.GetProperty("vocab").EnumerateObject()) _vocab[p.Name] = p.Value.GetInt32();
        int rank = 0;
        foreach (var m in model.GetProperty("merges").EnumerateArray())
        {
            (string, string) pair;
            if (m.ValueKind == JsonValueKind.String)
            {
                var s = m.GetString()!;
                int space = s.IndexOf(' ');
                pair = (s[..space], s[(space + 1)..]);
            }
            else pair = (m[0].GetString()!, m[1].GetString()!);
            _ranks[pair] = rank++;
        }
        foreach (var t in root.GetProperty("added_tokens").EnumerateArray())
            _added.Add((t.GetProperty("content").GetString()!, t.GetProperty("id").GetInt32()));
        _unkId = _vocab[model.GetProperty("unk_token").GetString()!];
        _bosId = _vocab["<bos>"];
    }

    /// <summary>Encodes as Gemma does, &lt;bos&gt; first when asked.</summary>
    public List<int> Encode(string text, bool addBos = true)
    {
        var ids = new List<int>();
        if (addBos) ids.Add(_bosId);
        var plain = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            (string Content, int Id)? best = null;
            foreach (var a in _added)
                if (text.AsSpan(i).StartsWith(a.Content, StringComparison.Ordinal) && (best is null || a.Content.Length > best.Value.Content.Length))
                    best = a;
            if (best is null)
            {
                plain.Append(text[i++]);
                continue;
            }
            EncodeSection(plain.ToString(), ids);
            plain.Clear();
            ids.Add(best.Value.Id);
            i += best.Value.Content.Length;
        }
        EncodeSection(plain.ToString(), ids);
        return ids;
    }

    private void EncodeSection(string section, List<int> ids)
    {
        if (section.Length == 0) return;
        // One symbol per code point (a lone surrogate reads as U+FFFD).
        var symbols = section.Replace(' ', '\u2581').EnumerateRunes().Select(r => r.ToString()).ToList();
        while (true)
        {
            int bestAt = -1, bestRank = int.MaxValue;
            for (int k = 0; k + 1 < symbols.Count; k++)
                if (_ranks.TryGetValue((symbols[k], symbols[k + 1]), out int r) && r < bestRank)
                    (bestAt, bestRank) = (k, r);
            if (bestAt < 0) break;
            symbols[bestAt] += symbols[bestAt + 1];
            symbols.RemoveAt(bestAt + 1);
        }
        bool previousUnk = false;
        foreach (var s in symbols)
        {
            if (_vocab.TryGetValue(s, out int id))
            {
                ids.Add(id);
                previousUnk = false;
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(s).Select(b => $"<0x{b:X2}>").ToList();
            bool unknown = !bytes.All(_vocab.ContainsKey);
            if (!unknown) ids.AddRange(bytes.Select(b => _vocab[b]));
            else if (!previousUnk) ids.Add(_unkId); // fuse_unk
            previousUnk = unknown;
        }
    }
}
