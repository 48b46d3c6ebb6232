using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProbeMonitor.Evaluation;

/// <summary>Writes results.json and builds its JSON pieces by hand (no reflection), writing NaN metrics as null.</summary>
public static class ResultsJson
{
    /// <summary>The results.json file name.</summary>
    public const string FileName = "results.json";

    /// <summary>The report file name.</summary>
    public const string ReportFileName = "report.md";

    /// <summary>Writes results.json, report.md and every chart into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(ProtocolResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName), Serialize(result));
        File.WriteAllText(Path.Combine(directory, ReportFileName), result.Markdown);
        foreach (var (name, svg) in result.Charts) File.WriteAllText(Path.Combine(directory, name), svg);
    }

    /// <summary>The results.json text: {"protocol", "rows", "warnings", …sections}.</summary>
    public static string Serialize(ProtocolResult result)
    {
        var root = new JsonObject
        {
            ["protocol"] = result.Protocol,
            ["rows"] = new JsonArray(result.Rows.Select(r => (JsonNode)Row(r)).ToArray()),
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode)JsonValue.Create(w)!).ToArray()),
        };
        foreach (var (key, value) in result.Sections) root[key] = value?.DeepClone();
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>One row as a JSON object with the documented snake_case fields.</summary>
    public static JsonObject Row(ResultRow r) => new()
    {
        ["dataset"] = r.Dataset,
        ["setting"] = r.Setting,
        ["method"] = r.Method,
        ["k"] = r.K,
        ["val_auc"] = Number(r.ValAuc),
        ["test_auc"] = Number(r.TestAuc),
        ["test_acc"] = Number(r.TestAcc),
        ["test_f1"] = Number(r.TestF1),
        ["test_macro_f1"] = Number(r.TestMacroF1),
        ["auc_ci_low"] = Number(r.AucCiLow),
        ["auc_ci_high"] = Number(r.AucCiHigh),
        ["n_train"] = r.NTrain,
        ["n_test"] = r.NTest,
        ["regime_value"] = Number(r.RegimeValue ?? double.NaN),
        ["pooling"] = r.Pooling,
        ["sae"] = r.Sae,
        ["chosen"] = r.Chosen,
        ["latents"] = r.Latents is null ? null : new JsonArray(r.Latents.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        ["note"] = r.Note,
    };

    /// <summary>A finite number, or null for NaN/∞ (JSON has no NaN).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
