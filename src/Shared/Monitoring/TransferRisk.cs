namespace ProbeMonitor.Monitoring;

/// <summary>Combines a probe's drift signals into one transfer risk in [0, 1]: how much to distrust its scores right now.</summary>
/// <remarks>
/// <para>
/// Each signal is first mapped to [0, 1) by its <see cref="SignalScale"/> (risk ½ at the moderate threshold, 0.9 at the
/// major one). The signals then form four groups of evidence. PSI, KS, Wasserstein and the positive-rate shift all
/// describe one thing, the probe's score distribution, and move together; adding them up would count one shift four
/// times, so that group takes their maximum. Activation OOD share, latent firing drift and SAE–dense disagreement look at
/// different things (the input, the SAE features, the probes' mutual consistency), so they are combined as independent
/// alarms by a noisy-OR: risk = 1 − Π_g (1 − r_g) over the groups measured.
/// </para>
/// <para>
/// The noisy-OR is at least the largest group risk (one loud alarm is enough), never exceeds 1, equals 0 only when every
/// group is 0, and is non-decreasing in every signal because each map and each step (max, 1 − Π(1 − ·)) is. A group not
/// measured (NaN: no covariance model, a dense probe's latents, no SAE–dense pair) is left out rather than read as safe
/// or unsafe. A max over groups would ignore corroboration: two moderate, independent alarms (½ each) give 0.75 here,
/// which matches the intuition that both are unlikely to be noise at once.
/// </para>
/// </remarks>
public static class TransferRisk
{
    /// <summary>The combined risk in [0, 1], or NaN when the snapshot has too few requests.</summary>
    public static double Combine(DriftSnapshot snapshot, TransferRiskOptions? options = null) => Assess(snapshot, options).Risk;

    /// <summary>The combined risk with its four group risks.</summary>
    public static TransferRiskAssessment Assess(DriftSnapshot snapshot, TransferRiskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var o = options ?? TransferRiskOptions.Default;
        if (!snapshot.IsSufficient) return new TransferRiskAssessment(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

        double scoreShift = MaxIgnoringNaN(
            o.Psi.Map(snapshot.Psi),
            o.Ks.Map(snapshot.KsStatistic),
            o.Wasserstein.Map(snapshot.WassersteinNormalized),
            o.PositiveRateShift.Map(snapshot.PositiveRateShift));
        double ood = o.OodExcess.Map(snapshot.OodExcess);
        double latent = o.LatentFiringPsi.Map(snapshot.LatentFiringPsi);
        double disagreement = o.Disagreement.Map(snapshot.DisagreementRate);
        return new TransferRiskAssessment(NoisyOr(scoreShift, ood, latent, disagreement), scoreShift, ood, latent, disagreement);
    }

    /// <summary>1 − Π(1 − rᵢ) over the risks that are not NaN (0 when all are NaN).</summary>
    public static double NoisyOr(params ReadOnlySpan<double> risks)
    {
        double safe = 1;
        foreach (var r in risks)
        {
            if (double.IsNaN(r)) continue;
            if (r < 0 || r > 1) throw new ArgumentOutOfRangeException(nameof(risks), r, "each risk must lie in [0, 1].");
            safe *= 1 - r;
        }
        return 1 - safe;
    }

    private static double MaxIgnoringNaN(params ReadOnlySpan<double> values)
    {
        double max = double.NaN;
        foreach (var v in values)
            if (!double.IsNaN(v) && !(v <= max)) max = v;
        return max;
    }
}
