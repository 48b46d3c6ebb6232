using System.Globalization;
using System.Text;
using ProbeMonitor.Reporting;

namespace ProbeMonitor.Evaluation;

/// <summary>The report.md and SVG charts of a sparse-probing run.</summary>
public static class SparseProbingReport
{
    /// <summary>Chart file names.</summary>
    public const string MethodsChart = "methods_test_auc.svg", KChart = "sae_k_curve.svg", RegimeChart = "regime.svg", OodChart = "ood.svg";

    /// <summary>Builds the Markdown and the charts it references.</summary>
    public static (string Markdown, IReadOnlyDictionary<string, string> Charts) Build(SparseProbingInputs inputs, SparseProbingOptions options,
        IReadOnlyList<ResultRow> rows, IReadOnlyList<QuiverDecision> decisions, IReadOnlyList<string> warnings)
    {
        var charts = new Dictionary<string, string>();
        var md = new StringBuilder();
        md.Append("# Sparse probing: ").Append(inputs.Train.Name).Append("\n\n");
        md.Append("Protocol of Kantamneni, Engels et al. (2025), *Are Sparse Autoencoders Useful? A Case Study in Sparse Probing*: ")
          .Append("hyper-parameters by validation AUC (n ≤ 12 leave-two-out, n < 128 stratified 6-fold, else the last min(20 %, 100) rows), ")
          .Append("logistic regression C ∈ logspace(5, −5, 10), SAE probes on the top-k latents by normalised mean difference.\n\n");
        var inputTable = new MarkdownTable("role", "file", "rows:", "positives:", "d:", "sha256");
        foreach (var (role, set) in new[] { ("train", inputs.Train), ("test", inputs.Test), ("ood", inputs.Ood) })
            if (set is not null)
                inputTable.Add(role, set.Name, Int(set.Rows), Int(set.Positives), Int(set.Dim), set.Sha256[..12]);
        md.Append(inputTable).Append('\n');
        md.Append(inputs.Sae is { } sae
            ? $"SAE ({inputs.SaeLabel}): {sae.Config.Architecture}, d_in {sae.DIn}, d_sae {sae.DSae}.\n\n"
            : "No SAE: SAE probes were not run.\n\n");

        var normal = rows.Where(r => r.Setting == "normal").ToList();
        md.Append("## Normal setting\n\n");
        md.Append(Table(normal)).Append('\n');
        var bars = BestPerMethod(normal);
        if (bars.Count > 0)
        {
            charts[MethodsChart] = SvgChart.GroupedBars($"{inputs.Train.Name}: test AUC by method (SAE: best k by validation)",
                bars.Select(b => QuiverOfArrows.Label(b)).ToArray(),
                [new SvgChart.Series("test AUC", bars.Select(b => b.TestAuc).ToArray()), new SvgChart.Series("val AUC", bars.Select(b => b.ValAuc).ToArray())],
                "ROC-AUC", 1.0);
            md.Append($"![test AUC by method]({MethodsChart})\n\n");
        }
        var sae0 = normal.Where(r => r.Method == "sae" && r.K is not null).OrderBy(r => r.K).ToList();
        if (sae0.Count > 0)
        {
            var ks = sae0.Select(r => Math.Log2(r.K!.Value)).ToArray();
            var series = new List<SvgChart.Series> { new("sae", sae0.Select(r => r.TestAuc).ToArray()) };
            var bin = normal.Where(r => r.Method == "sae_binarized").OrderBy(r => r.K).Select(r => r.TestAuc).ToArray();
            if (bin.Length == ks.Length) series.Add(new("sae_binarized", bin));
            if (normal.FirstOrDefault(r => r.Method == "logreg") is { } lr && double.IsFinite(lr.TestAuc))
                series.Add(new("logreg (dense)", Enumerable.Repeat(lr.TestAuc, ks.Length).ToArray()));
            charts[KChart] = SvgChart.Lines($"{inputs.Train.Name}: SAE probe test AUC vs k", ks, series, "log2 k", "test ROC-AUC", 1.0);
            md.Append($"![SAE probe test AUC against k]({KChart})\n\n");
        }

        var ood = rows.Where(r => r.Setting == "ood" && !r.Method.StartsWith("quiver", StringComparison.Ordinal)).ToList();
        if (ood.Count > 0)
        {
            md.Append("## Covariate shift (OOD test file)\n\n").Append(Table(ood)).Append('\n');
            var oodBest = BestPerMethod(ood);
            var inDist = oodBest.Select(o => normal.FirstOrDefault(n => n.Method == o.Method && n.K == o.K)?.TestAuc ?? double.NaN).ToArray();
            charts[OodChart] = SvgChart.GroupedBars($"{inputs.Train.Name}: in-distribution vs OOD test AUC",
                oodBest.Select(b => QuiverOfArrows.Label(b)).ToArray(),
                [new SvgChart.Series("in-distribution", inDist), new SvgChart.Series("OOD", oodBest.Select(b => b.TestAuc).ToArray())], "ROC-AUC", 1.0);
            md.Append($"![OOD]({OodChart})\n\n");
        }

        if (options.Regime != Regime.None) AppendRegime(md, charts, inputs, options, rows);
        AppendQuiver(md, decisions);

        md.Append("## Notes\n\n");
        md.Append("- test_f1 is support-weighted F1 (the benchmark's `average=\"weighted\"`); binarised SAE probes use latent > 1 as the benchmark does.\n");
        md.Append("- Sampling (shuffle, folds, regime draws) uses seeded `System.Random`, so rows are reproducible here but are not the benchmark's numpy draws.\n");
        foreach (var w in warnings) md.Append("- warning: ").Append(w).Append('\n');
        return (md.ToString(), charts);
    }

    private static void AppendRegime(StringBuilder md, Dictionary<string, string> charts, SparseProbingInputs inputs, SparseProbingOptions options, IReadOnlyList<ResultRow> rows)
    {
        string setting = options.Regime.ToString().ToLowerInvariant();
        var regimeRows = rows.Where(r => r.Setting == setting).ToList();
        var values = regimeRows.Select(r => r.RegimeValue ?? double.NaN).Distinct().Order().ToArray();
        md.Append($"## Regime: {setting}\n\n");
        var table = new MarkdownTable(setting == "scarcity" ? "n train:" : setting == "imbalance" ? "positive share:" : "flipped:",
            "logreg test AUC:", "best SAE probe (by val)", "its test AUC:", "quiver(baselines):", "quiver(+sae):", "Δ:");
        var series = new Dictionary<string, double[]> { ["logreg"] = new double[values.Length], ["best SAE probe"] = new double[values.Length],
            ["quiver(baselines)"] = new double[values.Length], ["quiver(+sae)"] = new double[values.Length] };
        for (int i = 0; i < values.Length; i++)
        {
            var at = regimeRows.Where(r => r.RegimeValue == values[i]).ToList();
            double lr = at.FirstOrDefault(r => r.Method == "logreg")?.TestAuc ?? double.NaN;
            var sae = at.Where(r => QuiverOfArrows.IsSae(r.Method) && double.IsFinite(r.ValAuc)).OrderByDescending(r => r.ValAuc).FirstOrDefault();
            double qb = at.FirstOrDefault(r => r.Method == "quiver(baselines)")?.TestAuc ?? double.NaN;
            double qs = at.FirstOrDefault(r => r.Method == "quiver(+sae)")?.TestAuc ?? double.NaN;
            table.Add(values[i].ToString("G4", CultureInfo.InvariantCulture), MarkdownTable.Number(lr), sae is null ? "–" : QuiverOfArrows.Label(sae),
                MarkdownTable.Number(sae?.TestAuc), MarkdownTable.Number(qb), MarkdownTable.Number(qs), MarkdownTable.Signed(qs - qb));
            series["logreg"][i] = lr;
            series["best SAE probe"][i] = sae?.TestAuc ?? double.NaN;
            series["quiver(baselines)"][i] = qb;
            series["quiver(+sae)"][i] = qs;
        }
        md.Append(table).Append('\n');
        if (values.Length > 0)
        {
            charts[RegimeChart] = SvgChart.Lines($"{inputs.Train.Name}: {setting}", values, series.Select(s => new SvgChart.Series(s.Key, s.Value)).ToArray(),
                setting == "scarcity" ? "training examples" : setting == "imbalance" ? "positive share" : "flipped label fraction", "test ROC-AUC", 1.0);
            md.Append($"![{setting}]({RegimeChart})\n\n");
        }
    }

    private static void AppendQuiver(StringBuilder md, IReadOnlyList<QuiverDecision> decisions)
    {
        md.Append("## Quiver of arrows\n\n");
        if (decisions.Count == 0)
        {
            md.Append("No setting had both baseline and SAE-probe results.\n\n");
            return;
        }
        var table = new MarkdownTable("setting", "value:", "pick without SAE", "test AUC:", "pick with SAE", "test AUC:", "Δ:");
        foreach (var d in decisions)
            table.Add(d.Setting, d.RegimeValue?.ToString("G4", CultureInfo.InvariantCulture) ?? "", QuiverOfArrows.Label(d.Baseline),
                MarkdownTable.Number(d.Baseline.TestAuc), QuiverOfArrows.Label(d.WithSae), MarkdownTable.Number(d.WithSae.TestAuc), MarkdownTable.Signed(d.Delta));
        md.Append(table).Append('\n');
        md.Append(string.Create(CultureInfo.InvariantCulture,
            $"SAE probe picked in {decisions.Count(d => d.SaeSelected)} of {decisions.Count} settings; it improved the test AUC (SAE win) in {decisions.Count(d => d.SaeSelected && d.Delta > 0)}; mean Δ test AUC {decisions.Average(d => d.Delta):+0.0000;-0.0000;0.0000}.\n\n"));
    }

    /// <summary>The rows' table, one line per method and k.</summary>
    public static MarkdownTable Table(IEnumerable<ResultRow> rows)
    {
        var table = new MarkdownTable("method", "k:", "val AUC:", "test AUC:", "test acc:", "test F1:", "chosen", "note");
        foreach (var r in rows)
            table.Add(r.Method, r.K?.ToString(CultureInfo.InvariantCulture) ?? "", MarkdownTable.Number(r.ValAuc), MarkdownTable.Number(r.TestAuc),
                MarkdownTable.Number(r.TestAcc), MarkdownTable.Number(r.TestF1), r.Chosen ?? "", r.Note ?? "");
        return table;
    }

    /// <summary>One row per method name; for SAE methods the k with the highest validation AUC.</summary>
    private static List<ResultRow> BestPerMethod(IEnumerable<ResultRow> rows) =>
        rows.Where(r => double.IsFinite(r.TestAuc) && !r.Method.StartsWith("quiver", StringComparison.Ordinal))
            .GroupBy(r => r.Method).Select(g => g.OrderByDescending(r => r.ValAuc).First()).ToList();

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
}
