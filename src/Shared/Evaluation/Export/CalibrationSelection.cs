using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation.Export;

/// <summary>The chosen calibrator with the evidence for the choice.</summary>
/// <param name="Calibrator">Refitted on the whole calibration split.</param>
/// <param name="CrossFitEce">Out-of-fold ECE of each candidate on the calibration split, by method.</param>
public sealed record CalibrationChoice(ICalibrator Calibrator, IReadOnlyDictionary<CalibrationMethod, double> CrossFitEce);

/// <summary>Chooses Platt scaling or isotonic regression by the expected calibration error they reach on data they were not fitted on.</summary>
/// <remarks>Comparing ECEs on the data a calibrator was fitted to would always favour isotonic regression (it fits the bins
/// almost exactly), so each candidate is cross-fitted: the calibration split is halved (stratified, seeded), each half is
/// calibrated by a fit on the other, and the ECE of the pooled out-of-fold probabilities decides. Ties go to Platt (fewer
/// parameters).</remarks>
public static class CalibrationSelection
{
    /// <summary>The candidates, in tie-break order.</summary>
    public static IReadOnlyList<CalibrationMethod> Candidates { get; } = [CalibrationMethod.Platt, CalibrationMethod.Isotonic];

    /// <summary>Chooses and refits on (logits, labels) of the calibration split.</summary>
    public static CalibrationChoice Choose(double[] logits, int[] labels, int seed)
    {
        var halves = StratifiedHoldout.Split(labels, 0.5, seed);
        var ece = new Dictionary<CalibrationMethod, double>();
        foreach (var method in Candidates)
        {
            var outOfFold = new double[logits.Length];
            foreach (var (fit, apply) in new[] { (halves.Train, halves.Test), (halves.Test, halves.Train) })
            {
                var calibrator = Calibrators.Fit(method, Select(logits, fit), Select(labels, fit).Select(y => y == 1).ToArray());
                foreach (int i in apply) outOfFold[i] = calibrator.Apply(logits[i]);
            }
            ece[method] = Calibration.ExpectedCalibrationError(outOfFold, labels);
        }
        var best = Candidates.OrderBy(m => ece[m]).First();
        var final = Calibrators.Fit(best, logits, labels.Select(y => y == 1).ToArray());
        return new CalibrationChoice(final, ece);
    }

    private static T[] Select<T>(T[] values, int[] rows) => rows.Select(i => values[i]).ToArray();
}
