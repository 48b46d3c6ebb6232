using System.Globalization;
using System.Text;
using ProbeMonitor.Reporting;

namespace ProbeMonitor.Evaluation;

/// <summary>The report.md and chart of an answerability run: rows = datasets, columns = SAE top-1, SAE top-5, linear probe.</summary>
public static class AnswerabilityReport
{
    /// <summary>Chart file name.</summary>
    public const string Chart = "auc_by_dataset.svg";

    /// <summary>Builds the Markdown and the chart.</summary>
    public static (string Markdown, IReadOnlyDictionary<string, string> Charts) Build(AnswerabilityInputs inputs, AnswerabilityOptions options,
        IReadOnlyList<ResultRow> rows, IReadOnlyList<RankedLatent> ranked, double maxDiff, IReadOnlyList<string> warnings)
    {
        var md = new StringBuilder();
        md.Append("# Answerability: SAE latents vs a linear probe\n\n");
        md.Append("After Heindrich et al. (2025), *Do Sparse Autoencoders Generalize? A Case Study of Answerability*. Every SAE latent is ranked by its ")
          .Append(string.Create(CultureInfo.InvariantCulture, $"{options.Folds}-fold CV AUC as a 1-sparse (scale + bias) probe on the training rows; "))
          .Append("the best latent, a logistic probe on the best ").Append(options.Combination.ToString(CultureInfo.InvariantCulture))
          .Append(" and a residual-stream logistic probe are fitted once and evaluated unchanged on the held-out test rows and on every OOD set. ")
          .Append("Cells: test ROC-AUC [bootstrap 95 % interval].\n\n");
        md.Append(string.Create(CultureInfo.InvariantCulture,
            $"Data: {inputs.Acts.Name} ({inputs.Acts.Rows} rows, {inputs.Acts.Positives} positive), held out {options.TestFraction:P0} for test; SAE ({inputs.SaeLabel}) {inputs.Sae.Config.Architecture}, {inputs.Sae.DSae} latents.\n\n"));

        var methods = rows.Select(r => r.Method).Distinct().ToArray();
        var datasets = rows.Select(r => r.Dataset).Distinct().ToArray();
        var table = new MarkdownTable(["dataset", "n:", .. methods.Select(Header)]);
        foreach (var d in datasets)
        {
            var at = rows.Where(r => r.Dataset == d).ToList();
            table.Add([d, (at[0].NTest ?? 0).ToString(CultureInfo.InvariantCulture),
                .. methods.Select(m => at.FirstOrDefault(r => r.Method == m) is { } r ? Cell(r) : "–")]);
        }
        md.Append(table).Append('\n');
        var charts = new Dictionary<string, string>
        {
            [Chart] = SvgChart.GroupedBars("Answerability: test AUC by dataset", datasets,
                methods.Select(m => new SvgChart.Series(Header(m), datasets.Select(d => rows.FirstOrDefault(r => r.Dataset == d && r.Method == m)?.TestAuc ?? double.NaN).ToArray())).ToArray(),
                "ROC-AUC", 1.0),
        };
        md.Append($"![test AUC by dataset]({Chart})\n\n");

        md.Append("## Latent ranking\n\n");
        md.Append("The CV AUC of a scale+bias logistic fit equals the sign-aware AUC of the raw latent on each validation fold (the fitted scale has the sign of the ")
          .Append("training-fold mean difference), so all latents are ranked without fitting; the kept ones are also fitted explicitly fold by fold. ")
          .Append(string.Create(CultureInfo.InvariantCulture, $"Largest |difference| between the two CV AUCs: {maxDiff:G3}.\n\n"));
        var rank = new MarkdownTable("rank:", "latent:", "CV AUC (raw):", "CV AUC (explicit fit):", "scale:", "bias:", "test AUC:", "firing rate:");
        for (int i = 0; i < ranked.Count; i++)
        {
            var r = ranked[i];
            rank.Add((i + 1).ToString(CultureInfo.InvariantCulture), r.Latent.ToString(CultureInfo.InvariantCulture), MarkdownTable.Number(r.CvAuc, 4),
                MarkdownTable.Number(r.CvAucExplicit, 4), MarkdownTable.Number(r.Scale, 4), MarkdownTable.Number(r.Bias, 4), MarkdownTable.Number(r.TestAuc),
                MarkdownTable.Number(r.FiringRate));
        }
        md.Append(rank).Append('\n');
        if (warnings.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var w in warnings) md.Append("- warning: ").Append(w).Append('\n');
        }
        return (md.ToString(), charts);
    }

    private static string Header(string method) => method switch
    {
        "sae_top1" => "SAE top-1",
        "linear_probe" => "linear probe",
        _ when method.StartsWith("sae_top", StringComparison.Ordinal) => "SAE top-" + method["sae_top".Length..],
        _ => method,
    };

    private static string Cell(ResultRow r) =>
        $"{MarkdownTable.Number(r.TestAuc)} [{MarkdownTable.Number(r.AucCiLow)}, {MarkdownTable.Number(r.AucCiHigh)}]";
}
