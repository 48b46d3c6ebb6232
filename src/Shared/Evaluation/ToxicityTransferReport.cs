using System.Text;
using ProbeMonitor.Reporting;

namespace ProbeMonitor.Evaluation;

/// <summary>The report.md and chart of a toxicity-transfer run: macro-F1 per feature set (rows) and language (columns).</summary>
public static class ToxicityTransferReport
{
    /// <summary>Chart file name.</summary>
    public const string Chart = "macro_f1_by_language.svg";

    /// <summary>Builds the Markdown and the chart.</summary>
    public static (string Markdown, IReadOnlyDictionary<string, string> Charts) Build(ToxicityTransferInputs inputs, IReadOnlyList<ResultRow> rows,
        IReadOnlyList<string> languages, IReadOnlyList<string> warnings)
    {
        var md = new StringBuilder();
        md.Append("# Cross-lingual toxicity transfer\n\n");
        md.Append("After MOSAIC (Gallifant et al. 2025, *Sparse Autoencoder Features for Classifications and Transferability*): probes trained on ")
          .Append(inputs.Train.Name).Append(" (English) only and tested on each language. Cells: test macro-F1 (AUC in the second table). ")
          .Append(inputs.Sae is null ? "No SAE given: dense probes only.\n\n" : $"SAE ({inputs.SaeLabel}): {inputs.Sae.DSae} latents.\n\n");
        var variants = rows.Select(r => (r.Method, r.Pooling)).Distinct().ToArray();
        foreach (var (metric, pick) in new (string, Func<ResultRow, double>)[] { ("macro-F1", r => r.TestMacroF1), ("ROC-AUC", r => r.TestAuc) })
        {
            md.Append("## ").Append(metric).Append("\n\n");
            var table = new MarkdownTable(["features", "pooling", "val AUC:", .. languages.Select(l => l + ":")]);
            foreach (var (method, pooling) in variants)
            {
                var at = rows.Where(r => r.Method == method && r.Pooling == pooling).ToList();
                table.Add([method, pooling ?? "", MarkdownTable.Number(at[0].ValAuc),
                    .. languages.Select(l => MarkdownTable.Number(at.FirstOrDefault(r => r.Dataset == l) is { } r ? pick(r) : double.NaN))]);
            }
            md.Append(table).Append('\n');
        }
        var best = rows.GroupBy(r => r.Method).Select(g => g.OrderByDescending(r => r.ValAuc).First()).Select(r => (r.Method, r.Pooling)).ToArray();
        var charts = new Dictionary<string, string>
        {
            [Chart] = SvgChart.GroupedBars("Toxicity: macro-F1 by language (trained on English)", languages,
                best.Select(b => new SvgChart.Series($"{b.Method} ({b.Pooling})",
                    languages.Select(l => rows.FirstOrDefault(r => r.Method == b.Method && r.Pooling == b.Pooling && r.Dataset == l)?.TestMacroF1 ?? double.NaN).ToArray())).ToArray(),
                "macro-F1", 1.0),
        };
        md.Append($"![macro-F1 by language]({Chart})\n\n");
        md.Append("Each feature family is charted with the pooling of highest validation AUC.\n\n");
        if (warnings.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var w in warnings) md.Append("- warning: ").Append(w).Append('\n');
        }
        return (md.ToString(), charts);
    }
}
