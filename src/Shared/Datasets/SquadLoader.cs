using System.Text.Json;

namespace ProbeMonitor.Datasets;

/// <summary>A loaded SQuAD 2.0 file: the questions in file order and the file's hash.</summary>
/// <param name="Questions">Every question of every paragraph of every article.</param>
/// <param name="Source">The file read.</param>
public sealed record SquadDataset(IReadOnlyList<SquadQuestion> Questions, SourceFile Source)
{
    /// <summary>Questions the paragraph answers.</summary>
    public int Answerable => Questions.Count(q => !q.IsImpossible);

    /// <summary>Questions marked is_impossible.</summary>
    public int Unanswerable => Questions.Count(q => q.IsImpossible);

    /// <summary>The answerability set under one prompt template: label 1 = UNANSWERABLE (is_impossible), group = article title.</summary>
    public LabeledDataset ToLabeled(PromptTemplate template, string name = "squad2") =>
        template.Apply(name, Questions.Select(q => q.ToAnswerabilityItem()), [Source],
            $"SQuAD 2.0 ({Questions.Count} questions, {Unanswerable} is_impossible → label 1, {Answerable} answerable → label 0).");
}

/// <summary>Reads SQuAD 2.0 JSON (<c>{"version", "data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]}</c>), gzipped or not.</summary>
public static class SquadLoader
{
    /// <summary>Loads every question; each must have an id, a question and a boolean is_impossible, and answerable ones at least one answer.</summary>
    public static SquadDataset Load(string path)
    {
        var (source, text) = SourceFile.ReadText(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new DatasetFormatException($"{path}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException($"{path}: no 'data' array at the top level; not a SQuAD file.");
            var questions = new List<SquadQuestion>();
            foreach (var article in data.EnumerateArray())
            {
                string title = String(article, "title", $"{path}: article {questions.Count}");
                foreach (var paragraph in Array(article, "paragraphs", $"{path}: article '{title}'"))
                {
                    string context = String(paragraph, "context", $"{path}: article '{title}', paragraph");
                    foreach (var qa in Array(paragraph, "qas", $"{path}: article '{title}', paragraph"))
                    {
                        string id = String(qa, "id", $"{path}: article '{title}', question");
                        string where = $"{path}: question '{id}'";
                        string question = String(qa, "question", where);
                        bool impossible = qa.TryGetProperty("is_impossible", out var ip) && ip.ValueKind is JsonValueKind.True or JsonValueKind.False
                            ? ip.GetBoolean()
                            : throw new DatasetFormatException($"{where}: 'is_impossible' must be true or false (this loader reads SQuAD 2.0).");
                        var answers = qa.TryGetProperty("answers", out var a) && a.ValueKind == JsonValueKind.Array
                            ? a.EnumerateArray().Select(x => x.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "").ToArray()
                            : [];
                        if (!impossible && answers.Length == 0) throw new DatasetFormatException($"{where}: answerable but has no answers.");
                        questions.Add(new SquadQuestion(id, title, context, question, impossible, answers));
                    }
                }
            }
            return new SquadDataset(questions, source);
        }
    }

    private static string String(JsonElement e, string name, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new DatasetFormatException($"{where}: missing string '{name}'.");

    private static JsonElement.ArrayEnumerator Array(JsonElement e, string name, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray()
            : throw new DatasetFormatException($"{where}: missing array '{name}'.");
}
