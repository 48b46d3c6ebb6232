using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.Statistics.Drift;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>A verified bundle ready to serve: its probe, calibrator, decision threshold, reference Mahalanobis model and drift tracker.</summary>
public sealed class LoadedProbe
{
    /// <summary>Prepares <paramref name="bundle"/> for serving, with a fresh drift tracker over <paramref name="window"/>.</summary>
    public LoadedProbe(ProbeBundle bundle, DriftWindow window)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(window);
        Bundle = bundle;
        Probe = bundle.CreateProbe();
        Calibrator = bundle.CreateCalibrator();
        Drift = new ProbeDriftTracker(bundle.ProbeId, bundle.Reference, window);
        (OodModel, OodModelProblem) = BuildOodModel(bundle);
        if (OodModel is not null) OodBatch = new BatchedMahalanobis(bundle.Reference.ActivationMean, bundle.Reference.Covariance!.Components, OodModel);
        if (Probe is SaeProbe sae) ExplainWeights = EffectiveLatentWeights(sae.Parameters);
    }

    /// <summary>The bundle.</summary>
    public ProbeBundle Bundle { get; }

    /// <summary>The probe id.</summary>
    public string Id => Bundle.ProbeId;

    /// <summary>The task the probe serves.</summary>
    public string Task => Bundle.Manifest.Task;

    /// <summary>Dense or SAE.</summary>
    public ProbeKind Kind => Bundle.Manifest.Kind;

    /// <summary>The model location the probe reads.</summary>
    public ManifestModel Model => Bundle.Manifest.Model;

    /// <summary>The decision threshold on the calibrated probability.</summary>
    public double Threshold => Bundle.Manifest.Decision.Threshold;

    /// <summary>The probe (logits).</summary>
    public IProbe Probe { get; }

    /// <summary>The probe as an SAE probe, or null for a dense one.</summary>
    public SaeProbe? SaeProbe => Probe as SaeProbe;

    /// <summary>Logit → calibrated probability.</summary>
    public ICalibrator Calibrator { get; }

    /// <summary>The probe's drift tracker.</summary>
    public ProbeDriftTracker Drift { get; }

    /// <summary>The reference activation distribution, for per-request Mahalanobis distances; null without a usable covariance.</summary>
    public LowRankGaussian? OodModel { get; }

    /// <summary>The same model, for batches of rows at once (a GEMM); null exactly when <see cref="OodModel"/> is.</summary>
    internal BatchedMahalanobis? OodBatch { get; }

    /// <summary>Why the bundle's covariance could not be used, when it has one that cannot.</summary>
    public string? OodModelProblem { get; }

    /// <summary>Per-latent logit weight of a firing latent (w/scale), for explanations; null for dense probes.</summary>
    internal double[]? ExplainWeights { get; }

    /// <summary>The calibrated probability of a logit.</summary>
    public double Calibrate(float logit) => Calibrator.Apply(logit);

    private static (LowRankGaussian? Model, string? Problem) BuildOodModel(ProbeBundle bundle)
    {
        var reference = bundle.Reference;
        if (reference.Covariance is not { } c) return (null, null);
        try
        {
            var mean = Array.ConvertAll(reference.ActivationMean, v => (double)v);
            var components = Array.ConvertAll(c.Components, v => (double)v);
            return (new LowRankGaussian(mean, components, (double[])c.Eigenvalues.Clone(), c.ResidualVariance, c.MahalanobisSquaredP99), null);
        }
        catch (ArgumentException e)
        {
            return (null, $"probe '{bundle.ProbeId}': the reference covariance is degenerate, so no per-request OOD score ({e.Message})");
        }
    }

    private static double[] EffectiveLatentWeights(SaeProbeWeights p)
    {
        var w = new double[p.LatentCount];
        for (int j = 0; j < w.Length; j++) w[j] = p.LatentScale is null ? p.Weights[j] : (double)p.Weights[j] / p.LatentScale[j];
        return w;
    }
}
