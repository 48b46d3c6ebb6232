using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ProbeMonitor.Reporting;

namespace ProbeMonitor.Evaluation;

/// <summary>
/// Sparse probing over several datasets: every dataset's own run (kept in its sub-folder) merged into one results.json
/// and a report whose table has a row per dataset and a column per method, as the benchmark's summary figures do.
/// </summary>
public static class SparseProbingSummary
{
    /// <summary>The chart of the summary report.</summary>
    public const string Chart = "datasets_test_auc.svg";

    private static readonly string[] Baselines = ["logreg", "pca", "knn", "mlp", "gbdt", "attn"];

    /// <summary>Merges per-dataset runs: all rows, warnings prefixed with the dataset, array sections concatenated, the quiver re-summarised.</summary>
    /// <param name="runs">Each dataset's name, the sub-folder its own report went to (relative to the summary's folder), and its result.</param>
    public static ProtocolResult Combine(IReadOnlyList<(string Dataset, string Folder, ProtocolResult Result)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("no dataset runs to summarise.", nameof(runs));
        var rows = runs.SelectMany(r => r.Result.Rows).ToList();
        var warnings = runs.SelectMany(r => r.Result.Warnings.Select(w => $"{r.Dataset}: {w}")).ToList();
        var sections = new JsonObject();
        foreach (var (_, _, result) in runs)
            foreach (var (key, value) in result.Sections)
                if (value is JsonArray array)
                {
                    if (sections[key] is not JsonArray merged) sections[key] = merged = [];
                    foreach (var item in array) merged.Add(item?.DeepClone());
                }
        // Settings every run shares (regime, seed) are kept once; per-run objects such as each quiver are replaced below.
        foreach (var (key, value) in runs[0].Result.Sections)
            if (value is JsonValue && runs.All(r => r.Result.Sections[key] is JsonValue v && v.ToJsonString() == value.ToJsonString()))
                sections[key] = value.DeepClone();
        var decisions = QuiverOfArrows.Decide(rows.Where(r => !r.Method.StartsWith("quiver", StringComparison.Ordinal)));
        sections["quiver"] = QuiverOfArrows.Summary(decisions);
        sections["datasets"] = new JsonArray(runs.Select(r => (JsonNode)new JsonObject { ["name"] = r.Dataset, ["folder"] = r.Folder }).ToArray());
        string protocol = runs[0].Result.Protocol;
        var (markdown, charts) = Report(runs, rows, decisions, warnings);
        return new ProtocolResult(protocol, rows, sections, warnings, markdown, charts);
    }

    /// <summary>The best row of a method in the normal setting: for SAE probes the k with the highest validation AUC.</summary>
    public static ResultRow? Best(IEnumerable<ResultRow> rows, string dataset, string method) =>
        rows.Where(r => r.Dataset == dataset && r.Setting == "normal" && r.Method == method && double.IsFinite(r.TestAuc) && r.Sae != "random")
            .OrderByDescending(r => double.IsFinite(r.ValAuc) ? r.ValAuc : double.NegativeInfinity).FirstOrDefault();

    private static (string, IReadOnlyDictionary<string, string>) Report(IReadOnlyList<(string Dataset, string Folder, ProtocolResult Result)> runs,
        List<ResultRow> rows, IReadOnlyList<QuiverDecision> decisions, List<string> warnings)
    {
        var md = new StringBuilder();
        md.Append("# Sparse probing over ").Append(runs.Count.ToString(CultureInfo.InvariantCulture)).Append(" datasets\n\n");
        md.Append("Each dataset was run on its own with the protocol of Kantamneni, Engels et al. (2025); its full report is in its folder. ")
          .Append("Cells are test ROC-AUC in the normal setting; SAE columns take the k with the best validation AUC (the k is shown). ")
          .Append("Quiver columns pick one method by validation AUC without and with the SAE probes.\n\n");
        string[] present = Baselines.Where(m => rows.Any(r => r.Method == m && double.IsFinite(r.TestAuc))).ToArray();
        var headers = new List<string> { "dataset", "n train:", "n test:" };
        headers.AddRange(present.Select(m => m + ":"));
        headers.AddRange(["SAE (best k by val):", "SAE binarised:", "quiver(baselines):", "quiver(+sae):", "Δ:"]);
        var table = new MarkdownTable([.. headers]);
        var columns = new Dictionary<string, List<double>>();
        void Keep(string column, double v) => (columns.TryGetValue(column, out var l) ? l : columns[column] = []).Add(v);
        foreach (var (dataset, folder, _) in runs)
        {
            var any = rows.FirstOrDefault(r => r.Dataset == dataset && r.Setting == "normal");
            var cells = new List<string?> { $"[{dataset}]({folder}/{ResultsJson.ReportFileName})", Int(any?.NTrain), Int(any?.NTest) };
            foreach (var m in present)
            {
                double v = Best(rows, dataset, m)?.TestAuc ?? double.NaN;
                cells.Add(MarkdownTable.Number(v));
                Keep(m, v);
            }
            foreach (var m in new[] { "sae", "sae_binarized" })
            {
                var best = Best(rows, dataset, m);
                cells.Add(best is null ? "–" : $"{MarkdownTable.Number(best.TestAuc)} (k={best.K})");
                Keep(m, best?.TestAuc ?? double.NaN);
            }
            var quiver = decisions.FirstOrDefault(d => d.Dataset == dataset && d.Setting == "normal");
            cells.Add(MarkdownTable.Number(quiver?.Baseline.TestAuc));
            cells.Add(quiver is null ? "–" : $"{MarkdownTable.Number(quiver.WithSae.TestAuc)} ({QuiverOfArrows.Label(quiver.WithSae)})");
            cells.Add(MarkdownTable.Signed(quiver?.Delta));
            Keep("quiver(baselines)", quiver?.Baseline.TestAuc ?? double.NaN);
            Keep("quiver(+sae)", quiver?.WithSae.TestAuc ?? double.NaN);
            table.Add([.. cells]);
        }
        var mean = new List<string?> { "**mean**", "", "" };
        foreach (var m in present.Concat(["sae", "sae_binarized", "quiver(baselines)", "quiver(+sae)"])) mean.Add(MarkdownTable.Number(Mean(columns[m])));
        mean.Add(MarkdownTable.Signed(Mean(columns["quiver(+sae)"]) - Mean(columns["quiver(baselines)"])));
        table.Add([.. mean]);
        md.Append(table).Append('\n');

        var normal = decisions.Where(d => d.Setting == "normal").ToList();
        if (normal.Count > 0)
            md.Append(string.Create(CultureInfo.InvariantCulture,
                $"Quiver of arrows (normal setting): the SAE probe was picked on {normal.Count(d => d.SaeSelected)} of {normal.Count} datasets and raised the test AUC (SAE win) on {normal.Count(d => d.SaeSelected && d.Delta > 0)}; mean Δ test AUC {normal.Average(d => d.Delta):+0.0000;-0.0000;0.0000}.\n\n"));

        var charts = new Dictionary<string, string>();
        var datasets = runs.Select(r => r.Dataset).ToArray();
        var series = new List<SvgChart.Series> { new("logreg", datasets.Select(d => Best(rows, d, "logreg")?.TestAuc ?? double.NaN).ToArray()) };
        if (columns["sae"].Any(double.IsFinite)) series.Add(new("SAE (best k by val)", columns["sae"].ToArray()));
        charts[Chart] = SvgChart.GroupedBars("Test ROC-AUC per dataset: dense logistic regression vs SAE probe", datasets, series, "ROC-AUC", 1.0);
        md.Append($"![test AUC per dataset]({Chart})\n\n");
        if (warnings.Count > 0)
        {
            md.Append("## Warnings\n\n");
            foreach (var w in warnings) md.Append("- ").Append(w).Append('\n');
        }
        return (md.ToString(), charts);
    }

    private static double Mean(List<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }

    private static string Int(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
}
