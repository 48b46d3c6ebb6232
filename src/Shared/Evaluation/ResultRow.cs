namespace ProbeMonitor.Evaluation;

/// <summary>One line of a protocol's results.json: a method's validation and test scores on one dataset in one setting.</summary>
/// <remarks>Metrics are NaN (written as JSON null) where they do not apply. test_f1 is support-weighted F1, as the
/// sparse-probing benchmark reports it; <see cref="TestMacroF1"/> is the macro average MOSAIC reports.</remarks>
/// <param name="Dataset">The dataset (file) name.</param>
/// <param name="Setting">"normal", "scarcity", "imbalance", "noise", "ood", "test", …</param>
/// <param name="Method">The probe, e.g. "logreg", "sae", "sae_binarized", "quiver(baselines)".</param>
/// <param name="K">Latents read (SAE probes), otherwise null.</param>
/// <param name="ValAuc">Mean validation AUC of the chosen hyper-parameters.</param>
/// <param name="TestAuc">Test ROC-AUC.</param>
/// <param name="TestAcc">Test accuracy at the probe's own decision rule.</param>
/// <param name="TestF1">Test F1, support-weighted over both classes.</param>
public sealed record ResultRow(string Dataset, string Setting, string Method, int? K, double ValAuc, double TestAuc, double TestAcc, double TestF1)
{
    /// <summary>Test macro-F1.</summary>
    public double TestMacroF1 { get; init; } = double.NaN;

    /// <summary>Lower end of a bootstrap interval on the test AUC.</summary>
    public double AucCiLow { get; init; } = double.NaN;

    /// <summary>Upper end of a bootstrap interval on the test AUC.</summary>
    public double AucCiHigh { get; init; } = double.NaN;

    /// <summary>Training examples used.</summary>
    public int? NTrain { get; init; }

    /// <summary>Test examples scored.</summary>
    public int? NTest { get; init; }

    /// <summary>The regime's parameter: training size, positive share or flipped fraction.</summary>
    public double? RegimeValue { get; init; }

    /// <summary>Pooling of token activations, where the protocol varies it.</summary>
    public string? Pooling { get; init; }

    /// <summary>Which SAE produced the latents: "trained" or "random".</summary>
    public string? Sae { get; init; }

    /// <summary>The chosen hyper-parameter(s), as text (e.g. "C=0.0774").</summary>
    public string? Chosen { get; init; }

    /// <summary>The latent ids an SAE probe reads (first few only for large k).</summary>
    public int[]? Latents { get; init; }

    /// <summary>A remark, e.g. why a method was skipped.</summary>
    public string? Note { get; init; }
}
