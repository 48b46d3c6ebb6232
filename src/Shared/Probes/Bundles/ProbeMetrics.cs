namespace ProbeMonitor.Probes.Bundles;

/// <summary>In-distribution metrics of a probe; <paramref name="Extra"/> holds any further named metrics.</summary>
public sealed record ProbeMetrics(
    double? ValAuc = null,
    double? TestAuc = null,
    double? TestAcc = null,
    double? TestF1 = null,
    Dictionary<string, double>? Extra = null);

/// <summary>A probe's results on one out-of-distribution dataset, with a confidence interval on the AUC.</summary>
public sealed record OodResult(string Dataset, long N, double Auc, double? AucCiLow = null, double? AucCiHigh = null, double? Acc = null, double? F1 = null);
