using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ProbeMonitor.Reporting;

namespace ProbeMonitor.Evaluation;

/// <summary>One SAE-probe result with the trained SAE beside the same probe on a random-baseline SAE.</summary>
/// <param name="Trained">The row with the trained SAE.</param>
/// <param name="Random">The matching row with the random SAE.</param>
/// <param name="Metric">The metric compared ("test_auc", or "test_macro_f1" for toxicity).</param>
public sealed record RandomBaselinePair(ResultRow Trained, ResultRow Random, string Metric)
{
    /// <summary>Trained minus random on the metric.</summary>
    public double Margin => Value(Trained) - Value(Random);

    /// <summary>Whether the trained SAE's probe scores higher than the random one's.</summary>
    public bool BeatsRandom => Margin > 0;

    /// <summary>The compared metric of a row.</summary>
    public double Value(ResultRow r) => Metric == "test_macro_f1" ? r.TestMacroF1 : r.TestAuc;
}

/// <summary>
/// `evaluate random-baselines`: runs a protocol with the trained SAE and again with a random-baseline SAE (after Korznikov et al.
/// 2026, "Sanity Checks for Sparse Autoencoders"), and sets every SAE-probe row beside its random twin with the margin and a
/// "beats random?" column. Rows are matched on dataset, setting, regime value, method, k and pooling.
/// </summary>
public static class RandomBaselineComparison
{
    /// <summary>Chart file name.</summary>
    public const string Chart = "trained_vs_random.svg";

    /// <summary>Matches SAE rows of the two runs.</summary>
    public static IReadOnlyList<RandomBaselinePair> Pair(ProtocolResult trained, ProtocolResult random, string metric = "test_auc")
    {
        var byKey = random.Rows.Where(r => r.Sae == "random").GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        return trained.Rows.Where(r => r.Sae == "trained" && !r.Method.StartsWith("quiver", StringComparison.Ordinal))
            .Select(r => byKey.TryGetValue(Key(r), out var twin) ? new RandomBaselinePair(r, twin, metric) : null)
            .Where(p => p is not null).Select(p => p!).ToArray();
    }

    /// <summary>The combined result: both runs' rows, the comparison section, and a report with the margin table.</summary>
    public static ProtocolResult Combine(ProtocolResult trained, ProtocolResult random, string metric = "test_auc")
    {
        var pairs = Pair(trained, random, metric);
        var rows = trained.Rows.Concat(random.Rows.Where(r => r.Sae == "random" && !r.Method.StartsWith("quiver", StringComparison.Ordinal))).ToList();
        var sections = new JsonObject
        {
            ["base_protocol"] = trained.Protocol,
            ["metric"] = metric,
            ["trained"] = trained.Sections.DeepClone(),
            ["random"] = random.Sections.DeepClone(),
            ["comparison"] = new JsonArray(pairs.Select(p => (JsonNode)new JsonObject
            {
                ["dataset"] = p.Trained.Dataset, ["setting"] = p.Trained.Setting, ["method"] = p.Trained.Method, ["k"] = p.Trained.K,
                ["pooling"] = p.Trained.Pooling, ["regime_value"] = ResultsJson.Number(p.Trained.RegimeValue ?? double.NaN),
                ["trained"] = ResultsJson.Number(p.Value(p.Trained)), ["random"] = ResultsJson.Number(p.Value(p.Random)),
                ["margin"] = ResultsJson.Number(p.Margin), ["beats_random"] = p.BeatsRandom,
            }).ToArray()),
            ["beats_random_rate"] = ResultsJson.Number(pairs.Count == 0 ? double.NaN : pairs.Count(p => p.BeatsRandom) / (double)pairs.Count),
            ["mean_margin"] = ResultsJson.Number(pairs.Count == 0 ? double.NaN : pairs.Average(p => p.Margin)),
        };
        var warnings = trained.Warnings.Select(w => "trained SAE: " + w).Concat(random.Warnings.Select(w => "random SAE: " + w)).ToArray();
        var (markdown, charts) = Report(trained, pairs, metric, warnings);
        return new ProtocolResult($"random-baselines/{trained.Protocol}", rows, sections, warnings, markdown, charts);
    }

    private static (string, IReadOnlyDictionary<string, string>) Report(ProtocolResult trained, IReadOnlyList<RandomBaselinePair> pairs, string metric, IReadOnlyList<string> warnings)
    {
        var md = new StringBuilder();
        md.Append("# Random-baseline check: ").Append(trained.Protocol).Append("\n\n");
        md.Append("Each SAE probe is fitted twice, on the trained SAE and on a random-baseline SAE of the same shape, with the same protocol, data, ")
          .Append("splits and seeds. Margin = trained − random on ").Append(metric).Append("; a probe that does not beat its random twin gains nothing from what the SAE learned.\n\n");
        var table = new MarkdownTable("dataset", "setting", "method", "k:", "pooling", "trained:", "random:", "margin:", "beats random?");
        foreach (var p in pairs)
            table.Add(p.Trained.Dataset, p.Trained.Setting + (p.Trained.RegimeValue is { } v ? " " + v.ToString("G4", CultureInfo.InvariantCulture) : ""),
                p.Trained.Method, p.Trained.K?.ToString(CultureInfo.InvariantCulture) ?? "", p.Trained.Pooling ?? "", MarkdownTable.Number(p.Value(p.Trained)),
                MarkdownTable.Number(p.Value(p.Random)), MarkdownTable.Signed(p.Margin), p.BeatsRandom ? "yes" : "no");
        md.Append(table).Append('\n');
        if (pairs.Count > 0)
            md.Append(string.Create(CultureInfo.InvariantCulture,
                $"Beats random in {pairs.Count(p => p.BeatsRandom)} of {pairs.Count} comparisons; mean margin {pairs.Average(p => p.Margin):+0.0000;-0.0000;0.0000}.\n\n"));
        var charts = new Dictionary<string, string>();
        var shown = pairs.Where(p => p.Trained.Setting is "normal" or "test" or "transfer" or "in-language").Take(24).ToArray();
        if (shown.Length > 0)
        {
            var labels = shown.Select(p => $"{p.Trained.Dataset} {QuiverOfArrows.Label(p.Trained)}{(p.Trained.Pooling is { } pl ? " " + pl : "")}").ToArray();
            charts[Chart] = SvgChart.GroupedBars($"{trained.Protocol}: trained vs random SAE ({metric})", labels,
                [new SvgChart.Series("trained SAE", shown.Select(p => p.Value(p.Trained)).ToArray()), new SvgChart.Series("random SAE", shown.Select(p => p.Value(p.Random)).ToArray())],
                metric, 1.0);
            md.Append($"![trained vs random]({Chart})\n\n");
        }
        md.Append("## Trained-SAE run\n\n").Append(trained.Markdown.Replace("\n# ", "\n### ").TrimStart('#', ' ')).Append('\n');
        if (warnings.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var w in warnings) md.Append("- warning: ").Append(w).Append('\n');
        }
        return (md.ToString(), charts.Concat(trained.Charts).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    private static (string, string, double?, string, int?, string?) Key(ResultRow r) => (r.Dataset, r.Setting, r.RegimeValue, r.Method, r.K, r.Pooling);
}
