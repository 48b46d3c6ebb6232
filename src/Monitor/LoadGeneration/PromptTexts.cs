using System.Text.Json;
using ProbeMonitor.Monitor.Inference;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>The texts prompt and chat load sends: read from JSONL, or a small built-in set drawn from templates with a seed.</summary>
public static class PromptTexts
{
    /// <summary>How many texts the built-in set holds.</summary>
    public const int BuiltInCount = 64;

    private static readonly string[] Templates =
    [
        "What is the capital of {0}?",
        "Who wrote the first book about {1} in {0}?",
        "Explain in two sentences how {1} works.",
        "Summarise the history of {1} for a ten-year-old.",
        "How many people lived in {0} in the year {2}?",
        "Write a short, polite reply to a customer asking about {1}.",
        "Is it true that {1} was invented in {0} in {2}?",
        "List three common misconceptions about {1}.",
    ];

    private static readonly string[] Places = ["France", "Peru", "Kenya", "Japan", "Norway", "Chile", "Vietnam", "Morocco", "Canada", "Poland"];

    private static readonly string[] Topics =
        ["photosynthesis", "the printing press", "jazz", "vaccines", "tidal power", "chess openings", "bread baking", "bridges", "the postal service", "origami"];

    /// <summary><see cref="BuiltInCount"/> short prompts (questions, some unanswerable), the same for the same seed.</summary>
    public static IReadOnlyList<string> BuiltIn(int seed)
    {
        var rng = new Random(seed);
        var texts = new List<string>(BuiltInCount);
        for (int i = 0; i < BuiltInCount; i++)
        {
            var template = Templates[rng.Next(Templates.Length)];
            texts.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, template,
                Places[rng.Next(Places.Length)], Topics[rng.Next(Topics.Length)], 1500 + rng.Next(500)));
        }
        return texts;
    }

    /// <summary>The conversations in a JSONL file, one per non-blank line: <c>{"messages": [{"role", "content"}, …]}</c>, or
    /// <c>{"text": …}</c> / <c>{"prompt": …}</c> as a single user turn.</summary>
    /// <exception cref="FormatException">A line is not such an object; the message names the file and line.</exception>
    public static IReadOnlyList<IReadOnlyList<ChatTurn>> ReadJsonl(string path)
    {
        var conversations = new List<IReadOnlyList<ChatTurn>>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                conversations.Add(Conversation(doc.RootElement));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"{path} line {lineNumber}: {e.Message}", e);
            }
        }
        if (conversations.Count == 0) throw new FormatException($"{path} holds no texts (expected JSONL lines such as {{\"text\": \"…\"}}).");
        return conversations;
    }

    private static IReadOnlyList<ChatTurn> Conversation(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object per line.");
        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0) throw new FormatException("\"messages\" must be a non-empty array.");
            return messages.EnumerateArray().Select(m => new ChatTurn(
                Text(m, "role"), Text(m, "content"))).ToList();
        }
        foreach (var name in new[] { "text", "prompt" })
            if (root.TryGetProperty(name, out _)) return [new ChatTurn("user", Text(root, name))];
        throw new FormatException("expected \"text\", \"prompt\" or \"messages\".");
    }

    private static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"\"{name}\" must be a string.");
}
