using System.Globalization;
using System.Text;
using ProbeMonitor.Reporting;

namespace ProbeMonitor.Evaluation.Export;

/// <summary>The report.md of an export: the bundles side by side, their OOD tables, and a chart of in-distribution vs OOD AUC.</summary>
public static class ExportReport
{
    /// <summary>Chart file name.</summary>
    public const string Chart = "bundles_auc.svg";

    /// <summary>Builds the Markdown and the chart.</summary>
    public static (string Markdown, IReadOnlyDictionary<string, string> Charts) Build(ExportOptions options, IReadOnlyList<ExportedBundle> bundles, IReadOnlyList<string> warnings)
    {
        var md = new StringBuilder();
        md.Append("# Exported probe bundles: ").Append(options.Task).Append("\n\n");
        md.Append(string.Create(CultureInfo.InvariantCulture,
            $"Calibrated on a held-out split (Platt or isotonic, by cross-fitted ECE); threshold at {options.TargetFpr:P1} FPR on the held-out negatives' calibrated probabilities; test metrics at that threshold.\n\n"));
        var table = new MarkdownTable(["", .. bundles.Select(b => b.Manifest.ProbeId)]);
        void Row(string name, Func<ExportedBundle, string> value) => table.Add([name, .. bundles.Select(value)]);
        Row("directory", b => Path.GetFileName(b.Directory));
        Row("kind", b => b.Manifest.Kind.ToString());
        Row("recipe", b => b.Recipe);
        Row("latents", b => b.Manifest.LatentIds is { } ids ? string.Join(",", ids.Take(16)) + (ids.Length > 16 ? ",…" : "") : "–");
        Row("val AUC", b => MarkdownTable.Number(b.Manifest.Metrics.ValAuc, 4));
        Row("test AUC", b => MarkdownTable.Number(b.Manifest.Metrics.TestAuc, 4));
        Row("calibration", b => b.Manifest.Calibration.Method.ToString());
        Row("cross-fit ECE (platt / isotonic)", b => string.Join(" / ", b.CrossFitEce.Values.Select(v => MarkdownTable.Number(v, 4))));
        Row("test ECE before → after", b => $"{MarkdownTable.Number(b.Manifest.Calibration.EceBefore, 4)} → {MarkdownTable.Number(b.Manifest.Calibration.EceAfter, 4)}");
        Row("threshold (calibrated p)", b => MarkdownTable.Number(b.Manifest.Decision.Threshold, 4));
        Row("held-out FPR / TPR", b => $"{MarkdownTable.Number(b.Manifest.Decision.OperatingPoint?.Fpr)} / {MarkdownTable.Number(b.Manifest.Decision.OperatingPoint?.Tpr)}");
        Row("test acc / F1 at threshold", b => $"{MarkdownTable.Number(b.Manifest.Metrics.TestAcc)} / {MarkdownTable.Number(b.Manifest.Metrics.TestF1)}");
        Row("random-baseline margin", b => MarkdownTable.Signed(b.Manifest.RandomBaselineMargin, 4));
        Row("reference n / positive rate", b => $"{b.Manifest.Reference.NReference} / {MarkdownTable.Number(b.Manifest.Reference.PositiveRate)}");
        Row("Mahalanobis d² p99 (rank)", b => $"{MarkdownTable.Number(b.Manifest.Reference.Covariance?.MahalanobisSquaredP99, 1)} ({b.Manifest.Reference.Covariance?.Eigenvalues.Length})");
        Row("weights sha256", b => b.Manifest.Weights!.Sha256[..16] + "…");
        md.Append(table).Append('\n');

        var oodNames = bundles.SelectMany(b => b.Manifest.OodTable.Select(o => o.Dataset)).Distinct().ToArray();
        if (oodNames.Length > 0)
        {
            md.Append("## Out-of-distribution\n\n");
            var ood = new MarkdownTable(["dataset", .. bundles.Select(b => b.Manifest.ProbeId + " AUC [95 % CI]")]);
            foreach (var name in oodNames)
                ood.Add([name, .. bundles.Select(b => b.Manifest.OodTable.FirstOrDefault(o => o.Dataset == name) is { } o
                    ? $"{MarkdownTable.Number(o.Auc)} [{MarkdownTable.Number(o.AucCiLow)}, {MarkdownTable.Number(o.AucCiHigh)}]" : "–")]);
            md.Append(ood).Append('\n');
        }
        var categories = new[] { "test" }.Concat(oodNames).ToArray();
        var charts = new Dictionary<string, string>
        {
            [Chart] = SvgChart.GroupedBars($"{options.Task}: exported probes, ROC-AUC", categories,
                bundles.Select(b => new SvgChart.Series(b.Manifest.ProbeId, categories.Select(c => c == "test"
                    ? b.Manifest.Metrics.TestAuc ?? double.NaN
                    : b.Manifest.OodTable.FirstOrDefault(o => o.Dataset == c)?.Auc ?? double.NaN).ToArray())).ToArray(), "ROC-AUC", 1.0),
        };
        md.Append($"![AUC]({Chart})\n\n");
        if (warnings.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var w in warnings) md.Append("- warning: ").Append(w).Append('\n');
        }
        return (md.ToString(), charts);
    }
}
