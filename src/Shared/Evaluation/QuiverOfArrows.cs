using System.Text.Json.Nodes;

namespace ProbeMonitor.Evaluation;

/// <summary>One "quiver of arrows" decision: the method chosen by validation AUC without and with SAE probes, and the test AUC change.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Setting">The setting (and regime value) it was made in.</param>
/// <param name="RegimeValue">The regime's parameter, if any.</param>
/// <param name="Baseline">The row chosen among the baselines.</param>
/// <param name="WithSae">The row chosen among baselines and SAE probes.</param>
public sealed record QuiverDecision(string Dataset, string Setting, double? RegimeValue, ResultRow Baseline, ResultRow WithSae)
{
    /// <summary>Whether adding SAE probes changed the choice to an SAE probe.</summary>
    public bool SaeSelected => QuiverOfArrows.IsSae(WithSae.Method);

    /// <summary>Test AUC with SAE probes in the quiver minus without.</summary>
    public double Delta => WithSae.TestAuc - Baseline.TestAuc;
}

/// <summary>Kantamneni, Engels et al. (2025) §"quiver of arrows": would a practitioner who picks the best method by validation AUC do better with SAE probes available?</summary>
/// <remarks>
/// For each setting, the baseline pick is the row with the highest validation AUC among non-SAE methods; the SAE pick is the
/// highest among all rows (ties keep the baseline, which is listed first). The SAE win rate is the fraction of settings where
/// the SAE pick is an SAE probe and improves the test AUC; the selection rate counts SAE picks whatever their test AUC.
/// </remarks>
public static class QuiverOfArrows
{
    /// <summary>Whether a method name denotes an SAE probe.</summary>
    public static bool IsSae(string method) => method.StartsWith("sae", StringComparison.Ordinal);

    /// <summary>One decision per (dataset, setting, regime value) group that has at least one baseline and one SAE row with a validation AUC.</summary>
    public static IReadOnlyList<QuiverDecision> Decide(IEnumerable<ResultRow> rows)
    {
        var decisions = new List<QuiverDecision>();
        foreach (var group in rows.Where(r => double.IsFinite(r.ValAuc) && double.IsFinite(r.TestAuc))
                     .GroupBy(r => (r.Dataset, r.Setting, r.RegimeValue)))
        {
            var baselines = group.Where(r => !IsSae(r.Method)).ToList();
            if (baselines.Count == 0 || !group.Any(r => IsSae(r.Method))) continue;
            var baseline = ArgMax(baselines);
            var withSae = ArgMax(baselines.Concat(group.Where(r => IsSae(r.Method))).ToList());
            decisions.Add(new QuiverDecision(group.Key.Dataset, group.Key.Setting, group.Key.RegimeValue, baseline, withSae));
        }
        return decisions;
    }

    /// <summary>The quiver rows for results.json: "quiver(baselines)" and "quiver(+sae)" per decision, with the chosen method in "chosen".</summary>
    public static IEnumerable<ResultRow> Rows(IReadOnlyList<QuiverDecision> decisions)
    {
        foreach (var d in decisions)
        {
            yield return Copy(d.Baseline, "quiver(baselines)");
            yield return Copy(d.WithSae, "quiver(+sae)");
        }
    }

    /// <summary>The summary section: per-decision picks and deltas, the SAE win and selection rates and the mean change.</summary>
    public static JsonObject Summary(IReadOnlyList<QuiverDecision> decisions) => new()
    {
        ["decisions"] = new JsonArray(decisions.Select(d => (JsonNode)new JsonObject
        {
            ["dataset"] = d.Dataset,
            ["setting"] = d.Setting,
            ["regime_value"] = ResultsJson.Number(d.RegimeValue ?? double.NaN),
            ["baseline_method"] = Label(d.Baseline),
            ["baseline_test_auc"] = ResultsJson.Number(d.Baseline.TestAuc),
            ["with_sae_method"] = Label(d.WithSae),
            ["with_sae_test_auc"] = ResultsJson.Number(d.WithSae.TestAuc),
            ["delta_test_auc"] = ResultsJson.Number(d.Delta),
            ["sae_selected"] = d.SaeSelected,
        }).ToArray()),
        ["settings"] = decisions.Count,
        ["sae_selected_rate"] = ResultsJson.Number(decisions.Count == 0 ? double.NaN : decisions.Count(d => d.SaeSelected) / (double)decisions.Count),
        ["sae_win_rate"] = ResultsJson.Number(decisions.Count == 0 ? double.NaN : decisions.Count(d => d.SaeSelected && d.Delta > 0) / (double)decisions.Count),
        ["mean_delta_test_auc"] = ResultsJson.Number(decisions.Count == 0 ? double.NaN : decisions.Average(d => d.Delta)),
    };

    /// <summary>"sae_binarized k=16" style label.</summary>
    public static string Label(ResultRow r) => r.K is { } k ? $"{r.Method} k={k}" : r.Method;

    private static ResultRow ArgMax(List<ResultRow> rows)
    {
        var best = rows[0];
        foreach (var r in rows.Skip(1))
            if (r.ValAuc > best.ValAuc) best = r;
        return best;
    }

    private static ResultRow Copy(ResultRow r, string method) => r with { Method = method, Chosen = Label(r), Note = null };
}
