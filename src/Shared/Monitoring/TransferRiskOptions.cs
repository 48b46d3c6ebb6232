namespace ProbeMonitor.Monitoring;

/// <summary>The thresholds <see cref="TransferRisk"/> maps each drift signal by; see <see cref="Default"/> for where they come from.</summary>
/// <param name="Psi">Score PSI.</param>
/// <param name="Ks">Score KS statistic D.</param>
/// <param name="Wasserstein">Score W₁ over the reference standard deviation.</param>
/// <param name="PositiveRateShift">|window − reference positive rate|.</param>
/// <param name="OodExcess">Share of requests beyond the reference's d² 99th percentile, minus the 1% expected.</param>
/// <param name="LatentFiringPsi">Mean per-latent firing PSI of an SAE probe.</param>
/// <param name="Disagreement">SAE–dense decision disagreement rate.</param>
public sealed record TransferRiskOptions(
    SignalScale Psi,
    SignalScale Ks,
    SignalScale Wasserstein,
    SignalScale PositiveRateShift,
    SignalScale OodExcess,
    SignalScale LatentFiringPsi,
    SignalScale Disagreement)
{
    /// <summary>The default thresholds (moderate → risk ½, major → risk 0.9).</summary>
    /// <remarks>
    /// PSI 0.10 / 0.25 is the credit-scoring rule of thumb (below 0.1 stable, above 0.25 a major shift). KS and Wasserstein
    /// are set to the values the same shifts give for a Gaussian score moved by δ standard deviations: PSI ≈ δ², so 0.1 and
    /// 0.25 are δ ≈ 0.32 and 0.5, for which D = 2Φ(δ/2) − 1 ≈ 0.125 and 0.2 and W₁/σ = δ ≈ 0.3 and 0.5. A positive-rate move
    /// of 7.5 points is moderate and 15 major: binomial noise alone moves the rate by up to 1.1 points (one σ) at 2,000
    /// requests, so the moderate threshold sits far outside it, and the score-histogram signals already catch smaller moves. OOD: in distribution 1% of requests exceed the 99th percentile (binomial noise
    /// ±0.2 points at 2,000 requests); 5% OOD (an excess of 4 points, five times the expectation) is moderate and 16% major.
    /// Latent firing uses the PSI thresholds on its per-latent PSI. Two probes of one task with ~90% accuracy each already
    /// disagree on up to ~10–20% of in-distribution inputs, so disagreement is only moderate at 15% and major at 35%.
    /// </remarks>
    public static TransferRiskOptions Default { get; } = new(
        Psi: new SignalScale(0.10, 0.25),
        Ks: new SignalScale(0.125, 0.20),
        Wasserstein: new SignalScale(0.30, 0.50),
        PositiveRateShift: new SignalScale(0.075, 0.15),
        OodExcess: new SignalScale(0.04, 0.15),
        LatentFiringPsi: new SignalScale(0.10, 0.25),
        Disagreement: new SignalScale(0.15, 0.35));
}
