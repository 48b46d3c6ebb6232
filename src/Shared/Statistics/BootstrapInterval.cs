namespace ProbeMonitor.Statistics;

/// <summary>A percentile-bootstrap confidence interval around the statistic of the full sample.</summary>
/// <param name="Estimate">The statistic on the original data.</param>
/// <param name="Lower">The (1 − confidence)/2 percentile of the replicates.</param>
/// <param name="Upper">The (1 + confidence)/2 percentile of the replicates.</param>
/// <param name="Confidence">The nominal coverage.</param>
/// <param name="Replicates">The finite replicate values, sorted ascending.</param>
/// <param name="Rejected">Resamples whose statistic was NaN (e.g. an unstratified AUC resample with one class) and were left out.</param>
public sealed record BootstrapInterval(double Estimate, double Lower, double Upper, double Confidence, double[] Replicates, int Rejected)
{
    /// <summary>Whether the interval contains a value.</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}
