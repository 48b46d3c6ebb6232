namespace ProbeMonitor.Statistics;

/// <summary>Settings of a percentile bootstrap: resample count, two-sided confidence level, RNG seed, and per-class stratification.</summary>
/// <param name="Resamples">How many resamples with replacement.</param>
/// <param name="Confidence">Central coverage of the interval, e.g. 0.95 for the 2.5% and 97.5% percentiles.</param>
/// <param name="Seed">Seed of <see cref="Random"/>; the same seed and input give the same interval.</param>
/// <param name="Stratified">Resample positives and negatives separately, keeping their counts, so every resample has both classes (use it for AUC).</param>
public sealed record BootstrapOptions(int Resamples = 1000, double Confidence = 0.95, int Seed = 12345, bool Stratified = false)
{
    internal void Validate()
    {
        if (Resamples < 1) throw new ArgumentOutOfRangeException(nameof(Resamples), Resamples, "the bootstrap needs at least one resample.");
        if (!(Confidence > 0 && Confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "the confidence level must lie strictly between 0 and 1.");
    }
}
