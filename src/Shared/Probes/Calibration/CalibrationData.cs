namespace ProbeMonitor.Probes.Calibration;

/// <summary>Checks on the (logit, label) sets calibrators are fitted on.</summary>
internal static class CalibrationData
{
    public static (int Positives, int Negatives) Check(string method, ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels)
    {
        if (logits.Length != labels.Length)
            throw new ArgumentException($"{method} fit: {logits.Length} logits but {labels.Length} labels.", nameof(labels));
        int positives = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (!double.IsFinite(logits[i]))
                throw new ArgumentException($"{method} fit: logit {i} is {logits[i]}; logits must be finite.", nameof(logits));
            if (labels[i]) positives++;
        }
        int negatives = logits.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"{method} fit needs both classes, got {positives} positive and {negatives} negative examples.", nameof(labels));
        return (positives, negatives);
    }
}
