using System.Globalization;
using ProbeMonitor.Estimators;
using ProbeMonitor.Probes;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Evaluation.Export;

/// <summary>An SAE probe fitted for export, with how it was chosen.</summary>
/// <param name="Probe">The servable probe (its latents encoded exactly as the Monitor will encode them).</param>
/// <param name="ValAuc">Mean validation AUC of the chosen recipe.</param>
/// <param name="Recipe">E.g. "1-sparse top-5" or "mean-difference top-16, binarised".</param>
public sealed record FittedSaeProbe(SaeProbe Probe, double ValAuc, string Recipe);

/// <summary>Builds servable <see cref="SaeProbe"/>s: picks latents by the task's recipe, fits a standardised logistic head on the
/// latents as the served probe computes them, and packs the SAE's encoder columns into the probe.</summary>
/// <remarks>
/// Training features come from the probe's own <see cref="SaeProbe.Encode"/>, so what is fitted is what is served (for TopK
/// SAEs the served latents are the ReLU of the pre-activations; see <see cref="SaeActivation.TopK"/>). Binarisation is
/// latent &gt; 0, the rule <see cref="SaeProbe"/> applies. An SAE with an input norm-scaling factor is folded first.
/// Recipes: answerability, the 1-sparse CV-AUC ranking's top-1 and top-5 (Heindrich et al.); toxicity, the normalised
/// mean-difference top-k for k ∈ {1, 2, …, 512}, raw and binarised (the sparse-probing recipe). The recipe with the best mean
/// validation AUC is kept.
/// </remarks>
public static class SaeProbeBuilder
{
    /// <summary>Fits every candidate recipe on the training rows and returns the best as a probe named <paramref name="id"/>.</summary>
    public static FittedSaeProbe Fit(string id, string task, SparseAutoencoder sae, ActivationSet train, IReadOnlyList<DataSplit> folds, EvaluationLog log)
    {
        sae = sae.FoldNormScalingFactor();
        var latents = LatentMatrix.Encode(sae, train.Features, train.Rows);
        var candidates = new List<(int[] Ids, bool Binarize, string Recipe)>();
        if (task == Probes.Bundles.ProbeManifest.AnswerabilityTask)
        {
            var order = OneSparseRanking.Order(OneSparseRanking.CvAuc(latents, train.Labels, StratifiedHoldout.FoldIds(folds, train.Rows), folds.Count));
            candidates.Add((order[..1], false, "1-sparse top-1"));
            candidates.Add((order[..Math.Min(5, order.Length)], false, $"1-sparse top-{Math.Min(5, order.Length)}"));
        }
        else
        {
            var order = LatentRanking.Order(latents, train.Labels);
            foreach (bool binarize in new[] { false, true })
                foreach (int k in LatentRanking.KGrid(sae.DSae))
                    candidates.Add((order[..k], binarize, $"mean-difference top-{k}{(binarize ? ", binarised" : "")}"));
        }
        var options = new LogisticRegressionOptions(MaxIterations: 1000, Standardize: true);
        LogisticRegressionModel? bestModel = null;
        var best = candidates[0];
        double bestVal = double.NaN;
        foreach (var c in candidates)
        {
            var x = Features(sae, c.Ids, c.Binarize, train.Features, train.Rows);
            var (model, val) = LogisticSelection.Fit(x, train.Labels, c.Ids.Length, folds, log, $"export SAE probe {c.Recipe}", options: options);
            if (bestModel is null || val > bestVal) (bestModel, best, bestVal) = (model, c, val);
        }
        var probe = Create(id, sae, best.Ids, best.Binarize, bestModel!);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"export: SAE probe {best.Recipe}, val AUC {bestVal:F4}"));
        return new FittedSaeProbe(probe, bestVal, best.Recipe);
    }

    /// <summary>The latent features [n, ids.Length] exactly as a served probe on these latents encodes them, binarised (&gt; 0) when asked.</summary>
    public static float[] Features(SparseAutoencoder sae, int[] ids, bool binarize, ReadOnlySpan<float> x, int n)
    {
        var encoder = Create("features", sae, ids, binarize, null);
        var f = new float[checked(n * ids.Length)];
        encoder.Encode(x, n, f);
        if (binarize)
            for (int i = 0; i < f.Length; i++) f[i] = f[i] > 0f ? 1f : 0f;
        return f;
    }

    /// <summary>A probe on the SAE's latents <paramref name="ids"/>; with <paramref name="model"/> null the head is zero (for encoding only).</summary>
    public static SaeProbe Create(string id, SparseAutoencoder sae, int[] ids, bool binarize, LogisticRegressionModel? model)
    {
        if (sae.Config.NormalizeActivations != ActivationNormalization.None) sae = sae.FoldNormScalingFactor();
        int d = sae.DIn, k = ids.Length, width = sae.DSae;
        var encoder = new float[checked(k * d)];
        var wEnc = sae.WEnc;
        for (int p = 0; p < d; p++)
            for (int c = 0; c < k; c++)
                encoder[c * d + p] = wEnc[p * width + ids[c]];
        var bEnc = ids.Select(j => sae.BEnc[j]).ToArray();
        var thresholds = sae.Config.Architecture == SaeArchitecture.JumpRelu ? ids.Select(j => sae.Threshold[j]).ToArray() : new float[k];
        var activation = sae.Config.Architecture switch
        {
            SaeArchitecture.JumpRelu => SaeActivation.JumpRelu,
            SaeArchitecture.TopK => SaeActivation.TopK,
            _ => SaeActivation.Relu,
        };
        var weights = model?.Coefficients.Select(v => (float)v).ToArray() ?? new float[k];
        var scaling = model?.Scaling;
        return new SaeProbe(id, d, new SaeProbeWeights((int[])ids.Clone(), encoder, bEnc, thresholds, sae.BDec.ToArray(), sae.Config.ApplyBDecToInput, activation,
            weights, (float)(model?.Intercept ?? 0), scaling?.Mean.Select(v => (float)v).ToArray(), scaling?.Scale.Select(v => (float)v).ToArray(), binarize));
    }
}
