namespace ProbeMonitor.Monitoring;

/// <summary>One probe's transfer-drift signals over its current window, measured against its bundle's reference statistics.</summary>
/// <remarks>
/// Every signal is NaN when it cannot be measured: the window holds fewer than <see cref="MinimumCount"/> requests
/// (<see cref="IsSufficient"/> false), or fewer than that many requests carried the input the signal needs (a Mahalanobis
/// distance, the SAE latents, a paired probe's decision), or the bundle has no reference for it (no covariance model,
/// a dense probe's latents, no SAE–dense pair for the task).
/// </remarks>
/// <param name="WindowCount">Requests in the window.</param>
/// <param name="MinimumCount">The fewest requests for which signals are reported.</param>
/// <param name="ScoreCount">Requests whose probability was a number (binned into the score histogram).</param>
/// <param name="Psi">Population stability index of the window's score histogram against the reference's (Laplace-smoothed, ε = 1e-4).</param>
/// <param name="KsStatistic">Kolmogorov–Smirnov D between the two score histograms (largest CDF gap at a bin edge).</param>
/// <param name="KsPValue">Its asymptotic p-value, with the reference's size as the second sample size.</param>
/// <param name="WassersteinNormalized">W₁ between the score histograms divided by the reference histogram's standard deviation.</param>
/// <param name="WindowPositiveRate">Fraction of the window's requests the probe flagged.</param>
/// <param name="ReferencePositiveRate">Fraction of reference examples flagged.</param>
/// <param name="PositiveRateShift">|window positive rate − reference positive rate|.</param>
/// <param name="DistanceCount">Requests that carried an activation Mahalanobis distance.</param>
/// <param name="OodCount">Of those, how many had d² above the reference's 99th percentile.</param>
/// <param name="OodShare">OodCount / DistanceCount; about <see cref="ExpectedOodShare"/> in distribution.</param>
/// <param name="OodRatio">OodShare / <see cref="ExpectedOodShare"/>: 1 in distribution.</param>
/// <param name="OodExcess">max(0, OodShare − <see cref="ExpectedOodShare"/>).</param>
/// <param name="LatentRecordCount">Requests that carried the probe's SAE latent activations.</param>
/// <param name="LatentFiringMeanAbsShift">Mean over the probe's latents of |window firing rate − reference firing rate|.</param>
/// <param name="LatentFiringPsi">Mean over the probe's latents of the PSI of the two-bin (fires, silent) distribution: the
/// same shift in rate weighs more for a rare latent (0.01 → 0.05 gives ≈ 0.05; 0.40 → 0.44 gives ≈ 0.007), and the
/// usual PSI thresholds apply.</param>
/// <param name="WindowLatentFiringRates">The window's firing rate per latent, in the probe's latent order; null when not measured.</param>
/// <param name="DisagreementCount">Requests on which this probe and its SAE–dense partner(s) of the same task were both scored.</param>
/// <param name="DisagreementRate">Fraction of those where the two decisions differed (the largest over partners).</param>
public sealed record DriftSnapshot(
    long WindowCount,
    int MinimumCount,
    long ScoreCount,
    double Psi,
    double KsStatistic,
    double KsPValue,
    double WassersteinNormalized,
    double WindowPositiveRate,
    double ReferencePositiveRate,
    double PositiveRateShift,
    long DistanceCount,
    long OodCount,
    double OodShare,
    double OodRatio,
    double OodExcess,
    long LatentRecordCount,
    double LatentFiringMeanAbsShift,
    double LatentFiringPsi,
    double[]? WindowLatentFiringRates,
    long DisagreementCount = 0,
    double DisagreementRate = double.NaN)
{
    /// <summary>The share of in-distribution requests beyond the reference's 99th percentile of d²: 1%.</summary>
    public const double ExpectedOodShare = 0.01;

    /// <summary>Whether the window holds enough requests for the signals to be reported.</summary>
    public bool IsSufficient => WindowCount >= MinimumCount;

    /// <summary>This snapshot with the SAE–dense disagreement of a <see cref="TaskDisagreementTracker"/> (NaN below the minimum count).</summary>
    public DriftSnapshot WithDisagreement(DisagreementSnapshot disagreement)
    {
        ArgumentNullException.ThrowIfNull(disagreement);
        return this with { DisagreementCount = disagreement.WindowCount, DisagreementRate = disagreement.DisagreementRate };
    }
}
