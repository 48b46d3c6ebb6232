using System.Globalization;
using System.Text.Json.Nodes;
using ProbeMonitor.Estimators;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation.Export;

/// <summary>One exported bundle and the numbers behind its manifest.</summary>
/// <param name="Directory">Where it was written.</param>
/// <param name="Manifest">The manifest as written.</param>
/// <param name="Recipe">How the probe was chosen.</param>
/// <param name="CrossFitEce">The calibration candidates' out-of-fold ECE.</param>
public sealed record ExportedBundle(string Directory, ProbeManifest Manifest, string Recipe, IReadOnlyDictionary<CalibrationMethod, double> CrossFitEce);

/// <summary>
/// `export`: trains the dense probe and the best SAE probe for a task side by side, calibrates each on a held-out split (Platt
/// or isotonic by cross-fitted ECE), sets the decision threshold at the target FPR on the held-out negatives' calibrated
/// probabilities, measures test and OOD metrics, records the drift reference and provenance, and writes both as probe bundles.
/// </summary>
/// <remarks>
/// Rows are split (stratified, seeded) into training, calibration and test parts. The calibration part fits the calibrator
/// and the threshold; the test part gives the manifest's test metrics and ECE before/after; calibration ∪ test is the drift
/// reference (scores of held-out rows, not of rows the probe was fitted on). The threshold rule is
/// <see cref="Roc.ThresholdAtFpr(ReadOnlySpan{double}, double)"/>, so the fraction of calibration negatives with p ≥ threshold
/// is at most the target whenever the split has at least 1/target negatives.
/// </remarks>
public static class ProbeExporter
{
    /// <summary>Trains, calibrates and writes the bundles into <paramref name="outDirectory"/>/{task}-dense and {task}-sae; returns the run's results and report.</summary>
    public static (ProtocolResult Result, IReadOnlyList<ExportedBundle> Bundles) Run(ExportInputs inputs, ExportOptions options, ExportProvenance provenance,
        string outDirectory, EvaluationLog log)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (options.Task is not (ProbeManifest.AnswerabilityTask or ProbeManifest.ToxicityTask))
            throw new ArgumentException($"--task must be answerability or toxicity, got '{options.Task}'.");
        var acts = inputs.Acts;
        SparseProbingProtocol.CheckSae(inputs.Sae, acts);
        SparseProbingProtocol.CheckSae(inputs.RandomSae, acts);
        foreach (var o in inputs.Ood)
            if (o.Dim != acts.Dim) throw new ArgumentException($"OOD set {o.Name} has d = {o.Dim} but {acts.Name} has d = {acts.Dim}.");
        int layer = options.Layer ?? acts.Layer ?? throw new ArgumentException($"cannot tell the layer from key '{acts.Key}'; pass --layer.");
        var pooling = options.Pooling ?? ParsePooling(acts.Pooling);

        var outer = StratifiedHoldout.Split(acts.Labels, options.TestFraction, options.Seed);
        var rest = acts.Subset(outer.Train);
        var inner = StratifiedHoldout.Split(rest.Labels, options.CalibrationFraction / (1 - options.TestFraction), options.Seed + 1);
        var train = rest.Subset(inner.Train, acts.Name + " (train)");
        var calibration = rest.Subset(inner.Test, acts.Name + " (calibration)");
        var test = acts.Subset(outer.Test, acts.Name + " (test)");
        var reference = acts.Subset([.. inner.Test.Select(i => outer.Train[i]), .. outer.Test], acts.Name + " (reference)");
        var folds = Splits.StratifiedKFold(train.Labels, 5, options.Seed);
        log.Info($"export: {train.Rows} training, {calibration.Rows} calibration, {test.Rows} test rows; layer {layer}, pooling {pooling}");

        var candidates = new List<(IProbe Probe, double ValAuc, string Recipe, double? Margin)>();
        var dense = LogisticSelection.Fit(train.Features, train.Labels, train.Dim, folds, log, "export dense probe",
            options: new LogisticRegressionOptions(MaxIterations: 1000, Standardize: true));
        candidates.Add((new DenseProbe($"{options.Task}-dense-l{layer}", acts.Dim, dense.Model.ToProbeWeights()), dense.ValAuc,
            $"logistic regression, {LogisticSelection.Describe(dense.Model)}", null));
        if (inputs.Sae is { } sae)
        {
            var fitted = SaeProbeBuilder.Fit($"{options.Task}-sae-l{layer}", options.Task, sae, train, folds, log);
            double? margin = null;
            if (inputs.RandomSae is { } random)
            {
                var baseline = SaeProbeBuilder.Fit($"{options.Task}-sae-random-l{layer}", options.Task, random, train, folds, log);
                margin = TestAuc(fitted.Probe, test) - TestAuc(baseline.Probe, test);
                log.Info(string.Create(CultureInfo.InvariantCulture, $"export: random-baseline SAE probe ({baseline.Recipe}) test AUC margin {margin:+0.0000;-0.0000}"));
            }
            candidates.Add((fitted.Probe, fitted.ValAuc, fitted.Recipe, margin));
        }

        var bundles = new List<ExportedBundle>();
        var rows = new List<ResultRow>();
        foreach (var (probe, valAuc, recipe, margin) in candidates)
        {
            var calLogits = Logits(probe, calibration);
            var choice = CalibrationSelection.Choose(calLogits, calibration.Labels, options.Seed);
            var calibrator = choice.Calibrator;
            var calProbs = calLogits.Select(calibrator.Apply).ToArray();
            double threshold = Threshold(calProbs, calibration.Labels, options.TargetFpr, probe.Id, log);
            var op = ConfusionCounts.At(calProbs, calibration.Labels, threshold);

            var testLogits = Logits(probe, test);
            var testProbs = testLogits.Select(calibrator.Apply).ToArray();
            var atThreshold = ConfusionCounts.At(testProbs, test.Labels, threshold);
            double eceBefore = Calibration.ExpectedCalibrationError(testLogits.Select(Sigmoid).ToArray(), test.Labels);
            double eceAfter = Calibration.ExpectedCalibrationError(testProbs, test.Labels);
            double testAuc = Roc.RocAuc(testLogits, test.Labels);
            var metrics = new ProbeMetrics(valAuc, testAuc, atThreshold.Accuracy, atThreshold.F1, new Dictionary<string, double>
            {
                ["test_fpr_at_threshold"] = atThreshold.FalsePositiveRate, ["test_tpr_at_threshold"] = atThreshold.Recall,
            });
            var rowBase = new ResultRow(acts.Name, "test", probe.Kind == ProbeKind.Dense ? "dense" : "sae", (probe as SaeProbe)?.LatentCount,
                valAuc, testAuc, atThreshold.Accuracy, atThreshold.F1) { NTrain = train.Rows, NTest = test.Rows, Chosen = recipe, Latents = (probe as SaeProbe)?.LatentIds.ToArray() };
            rows.Add(rowBase);

            var ood = new List<OodResult>();
            foreach (var set in inputs.Ood)
            {
                var logits = Logits(probe, set);
                if (!Roc.TryRocAuc(logits, set.Labels, out double auc))
                {
                    log.Warn($"{probe.Id}: OOD set {set.Name} holds one class; left out of the OOD table.");
                    continue;
                }
                var ci = Bootstrap.RocAuc(logits, set.Labels, new BootstrapOptions(options.BootstrapResamples, 0.95, options.Seed));
                var counts = ConfusionCounts.At(logits.Select(calibrator.Apply).ToArray(), set.Labels, threshold);
                ood.Add(new OodResult(set.Name, set.Rows, auc, ci.Lower, ci.Upper, counts.Accuracy, counts.F1));
                rows.Add(rowBase with { Dataset = set.Name, Setting = "ood", TestAuc = auc, AucCiLow = ci.Lower, AucCiHigh = ci.Upper, TestAcc = counts.Accuracy, TestF1 = counts.F1, NTest = set.Rows });
            }

            var refProbs = Logits(probe, reference).Select(calibrator.Apply).ToArray();
            var (section, tensors, _) = ReferenceBuilder.Build(reference.Features, reference.Rows, reference.Dim, refProbs, threshold, options.CovarianceRank, probe);
            var manifest = new ProbeManifest(
                ProbeManifest.CurrentSchemaVersion, probe.Id, options.Task, probe.Kind,
                new ManifestModel(options.ModelId, layer, acts.Key, acts.Dim, pooling),
                new ManifestCalibration(calibrator.Method, calibrator.ToParameters(), eceBefore, eceAfter),
                new ManifestDecision(threshold, new Probes.Bundles.OperatingPoint(options.TargetFpr, op.FalsePositiveRate, op.Recall)),
                [new TrainingDataset(acts.Name, acts.Sha256, acts.Rows)],
                metrics, ood.ToArray(), section,
                new ManifestProvenance(provenance.CreatedUtc, provenance.TrainerVersion, provenance.Command, provenance.GitCommit),
                Sae: probe is SaeProbe ? SaeSection(inputs, (SaeProbe)probe) : null,
                LatentIds: (probe as SaeProbe)?.LatentIds.ToArray(),
                Binarize: (probe as SaeProbe)?.Parameters.Binarize ?? false,
                RandomBaselineMargin: margin);
            string dir = Path.Combine(outDirectory, $"{options.Task}-{(probe.Kind == ProbeKind.Dense ? "dense" : "sae")}");
            var written = ProbeBundleWriter.Write(dir, manifest, probe, tensors, options.Overwrite);
            bundles.Add(new ExportedBundle(dir, written, recipe, choice.CrossFitEce));
            log.Info(string.Create(CultureInfo.InvariantCulture,
                $"export: wrote {dir} ({calibrator.Method}, threshold {threshold:G4}, held-out FPR {op.FalsePositiveRate:F3}, test AUC {testAuc:F4})"));
        }

        var sections = new JsonObject
        {
            ["inputs"] = SparseProbingProtocol.Inputs([acts, .. inputs.Ood]),
            ["split"] = new JsonObject { ["train"] = train.Rows, ["calibration"] = calibration.Rows, ["test"] = test.Rows, ["reference"] = reference.Rows },
            ["bundles"] = new JsonArray(bundles.Select(b => (JsonNode)new JsonObject
            {
                ["directory"] = b.Directory, ["probe_id"] = b.Manifest.ProbeId, ["kind"] = b.Manifest.Kind.ToString().ToLowerInvariant(), ["recipe"] = b.Recipe,
                ["calibration"] = b.Manifest.Calibration.Method.ToString().ToLowerInvariant(),
                ["cross_fit_ece"] = new JsonObject(b.CrossFitEce.Select(kv => KeyValuePair.Create(kv.Key.ToString().ToLowerInvariant(), ResultsJson.Number(kv.Value)))),
                ["ece_before"] = ResultsJson.Number(b.Manifest.Calibration.EceBefore ?? double.NaN), ["ece_after"] = ResultsJson.Number(b.Manifest.Calibration.EceAfter ?? double.NaN),
                ["threshold"] = b.Manifest.Decision.Threshold, ["held_out_fpr"] = b.Manifest.Decision.OperatingPoint!.Fpr, ["held_out_tpr"] = b.Manifest.Decision.OperatingPoint.Tpr,
                ["random_baseline_margin"] = ResultsJson.Number(b.Manifest.RandomBaselineMargin ?? double.NaN),
                ["weights_sha256"] = b.Manifest.Weights!.Sha256,
            }).ToArray()),
        };
        var (markdown, charts) = ExportReport.Build(options, bundles, log.Warnings);
        return (new ProtocolResult("export", rows, sections, log.Warnings.ToArray(), markdown, charts), bundles);
    }

    /// <summary>The threshold at the target FPR on the calibrated probabilities of the held-out negatives; when even the largest
    /// negative exceeds the budget (fewer than 1/target negatives), just above it, with a warning.</summary>
    public static double Threshold(double[] probabilities, int[] labels, double targetFpr, string probeId, EvaluationLog log)
    {
        var negatives = probabilities.Where((_, i) => labels[i] == 0).ToArray();
        double t = Roc.ThresholdAtFpr(negatives, targetFpr);
        if (double.IsFinite(t)) return t;
        double above = Math.Min(1.0, Math.BitIncrement(negatives.Max()));
        log.Warn(string.Create(CultureInfo.InvariantCulture,
            $"{probeId}: {negatives.Length} held-out negatives are too few for FPR ≤ {targetFpr}; threshold set just above the largest negative ({above:G6})."));
        return above;
    }

    private static ManifestSae SaeSection(ExportInputs inputs, SaeProbe probe) =>
        new(inputs.SaeId ?? "sae", inputs.Sae!.DSae, probe.Parameters.Activation, probe.Parameters.ApplyDecoderBiasToInput);

    private static double[] Logits(IProbe probe, ActivationSet set)
    {
        var logits = new float[set.Rows];
        probe.ScoreLogits(set.Features, set.Rows, logits);
        return logits.Select(v => (double)v).ToArray();
    }

    private static double TestAuc(IProbe probe, ActivationSet test) => Roc.RocAuc(Logits(probe, test), test.Labels);

    private static Pooling ParsePooling(string pooling) => pooling switch
    {
        "last" => Pooling.Last,
        "mean" => Pooling.Mean,
        "max" => Pooling.Max,
        _ => throw new ArgumentException($"the activation file's pooling is '{pooling}'; pass --pooling last|mean|max."),
    };

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
