using System.Globalization;
using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>"sae" / "sae_binarized": logistic regression on the k latents with the largest normalised class-mean difference
/// (<see cref="LatentRanking"/>), C chosen by validation AUC, as in the sparse-probing benchmark's <c>run_sae_eval</c>.</summary>
/// <remarks>The binarised variant uses the benchmark's rule, latent &gt; 1 (not &gt; 0). The ranking is computed on the
/// training rows only and passed in, so one ranking serves every k.</remarks>
/// <param name="K">Latents read.</param>
/// <param name="Binarize">Whether features are [latent &gt; <see cref="BinarizeThreshold"/>].</param>
/// <param name="Order">Latent ids best first, ranked on the training rows.</param>
public sealed class SaeProbeMethod(int K, bool Binarize, int[] Order) : IProbeMethod
{
    /// <summary>The benchmark binarises with X &gt; 1.</summary>
    public const float BinarizeThreshold = 1f;

    /// <inheritdoc />
    public string Name => Binarize ? "sae_binarized" : "sae";

    /// <inheritdoc />
    public FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log)
    {
        var latents = train.Latents ?? throw new MethodNotApplicableException("SAE probes need --sae.");
        int k = Math.Min(K, latents.Width);
        var ids = Order.AsSpan(0, k).ToArray();
        var x = Features(latents, ids, Binarize);
        var (model, val) = LogisticSelection.Fit(x, train.Labels, k, splits, log,
            string.Create(CultureInfo.InvariantCulture, $"{Name} k={k} on {train.Set.Name}"));
        return new FittedProbe(Name, val, LogisticSelection.Describe(model), data => model.PredictLogits(Features(
            data.Latents ?? throw new MethodNotApplicableException("SAE probes need SAE latents for every data set."), ids, Binarize)))
        {
            K = k, Latents = ids, Binarized = Binarize, UsesSae = true, Model = model,
        };
    }

    /// <summary>The dense [rows, k] features of the chosen latents, binarised when asked.</summary>
    public static float[] Features(LatentMatrix latents, int[] ids, bool binarize)
    {
        var x = latents.Gather(ids);
        if (binarize)
            for (int i = 0; i < x.Length; i++) x[i] = x[i] > BinarizeThreshold ? 1f : 0f;
        return x;
    }
}
