using System.Globalization;
using System.Text.Json.Nodes;
using ProbeMonitor.Estimators;
using ProbeMonitor.Sae;
using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation;

/// <summary>The data of an answerability run: one labelled file split into training and test rows, the SAE, and OOD files.</summary>
/// <param name="Acts">In-distribution activations with labels.</param>
/// <param name="Sae">The SAE whose latents are ranked.</param>
/// <param name="Ood">Out-of-distribution sets, scored unchanged.</param>
/// <param name="SaeLabel">"trained" or "random".</param>
public sealed record AnswerabilityInputs(ActivationSet Acts, SparseAutoencoder Sae, IReadOnlyList<ActivationSet> Ood, string SaeLabel = "trained");

/// <summary>Settings of an answerability run.</summary>
/// <param name="TopK">Latents kept after ranking (fitted explicitly and listed).</param>
/// <param name="Folds">Cross-validation folds of the ranking.</param>
/// <param name="TestFraction">Share of the file held out as the in-distribution test set (stratified).</param>
/// <param name="Seed">Seeds the split, the folds and the bootstrap.</param>
/// <param name="Combination">Latents in the combined SAE probe ("top-5").</param>
/// <param name="BootstrapResamples">Resamples of the AUC confidence intervals.</param>
public sealed record AnswerabilityOptions(int TopK = 20, int Folds = 5, double TestFraction = 0.2, int Seed = 42, int Combination = 5, int BootstrapResamples = 1000);

/// <summary>One kept latent of the ranking.</summary>
/// <param name="Latent">The latent id.</param>
/// <param name="CvAuc">The CV AUC from the raw latent (<see cref="OneSparseRanking"/>).</param>
/// <param name="CvAucExplicit">The CV AUC of explicitly fitted scale+bias probes on the same folds (should equal <paramref name="CvAuc"/>).</param>
/// <param name="Scale">The fitted scale a on all training rows.</param>
/// <param name="Bias">The fitted bias b.</param>
/// <param name="TestAuc">Test AUC of the fitted probe.</param>
/// <param name="FiringRate">Fraction of training rows where the latent is non-zero.</param>
public sealed record RankedLatent(int Latent, double CvAuc, double CvAucExplicit, double Scale, double Bias, double TestAuc, double FiringRate);

/// <summary>
/// `evaluate answerability`: Heindrich et al. (2025), "Do Sparse Autoencoders Generalize? A Case Study of Answerability".
/// Every SAE latent is ranked by its 5-fold CV AUC as a 1-sparse probe (scale + bias); the best latent (SAE top-1), a
/// logistic probe on the best five (SAE top-5) and a residual-stream logistic probe are then fitted on the training rows and
/// evaluated unchanged on the held-out test rows and every OOD set, with bootstrap 95 % intervals on the AUC.
/// </summary>
/// <remarks>The ranking uses the closed-form equivalence documented on <see cref="OneSparseRanking"/>; the kept latents are also
/// fitted explicitly fold by fold and both CV AUCs are reported, with their largest difference, as a standing check.</remarks>
public static class AnswerabilityProtocol
{
    /// <summary>The protocol name in results.json.</summary>
    public const string Name = "answerability";

    /// <summary>The scale+bias fit of a single latent: sklearn's default LogisticRegression (C = 1), solved tightly.</summary>
    public static LogisticRegressionOptions OneLatentOptions { get; } = new(C: 1.0, MaxIterations: 1000, Tolerance: 1e-10);

    /// <summary>Runs the protocol.</summary>
    public static ProtocolResult Run(AnswerabilityInputs inputs, AnswerabilityOptions options, EvaluationLog log)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        SparseProbingProtocol.CheckSae(inputs.Sae, inputs.Acts);
        foreach (var o in inputs.Ood)
            if (o.Dim != inputs.Acts.Dim) throw new ArgumentException($"OOD set {o.Name} ({o.Path}) has d = {o.Dim} but {inputs.Acts.Name} has d = {inputs.Acts.Dim}.");
        if (options.TopK < options.Combination || options.Combination < 1)
            throw new ArgumentException($"--top-k ({options.TopK}) must be at least the combination size ({options.Combination}) and that at least 1.");

        var split = StratifiedHoldout.Split(inputs.Acts.Labels, options.TestFraction, options.Seed);
        var train = inputs.Acts.Subset(split.Train, inputs.Acts.Name + " (train)");
        var test = inputs.Acts.Subset(split.Test, inputs.Acts.Name + " (test)");
        log.Info($"{Name}: encoding {inputs.Acts.Rows} rows with the SAE ({inputs.Sae.DSae} latents)");
        var latTrain = LatentMatrix.Encode(inputs.Sae, train.Features, train.Rows);
        var latTest = LatentMatrix.Encode(inputs.Sae, test.Features, test.Rows);
        var folds = Splits.StratifiedKFold(train.Labels, options.Folds, options.Seed);
        var foldOf = StratifiedHoldout.FoldIds(folds, train.Rows);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var cv = OneSparseRanking.CvAuc(latTrain, train.Labels, foldOf, options.Folds);
        var order = OneSparseRanking.Order(cv);
        log.Info($"{Name}: ranked {cv.Length} latents in {started.Elapsed.TotalSeconds:F2} s");
        int keep = Math.Min(options.TopK, cv.Length);
        var firing = FiringRates(latTrain);
        var ranked = new List<RankedLatent>();
        var oneLatentModels = new Dictionary<int, LogisticRegressionModel>();
        foreach (int j in order.Take(keep))
        {
            var x = latTrain.Gather([j]);
            double explicitCv = ExplicitCvAuc(x, train.Labels, folds);
            LogisticRegressionModel? model = null;
            try { model = LogisticRegression.Fit(x, train.Labels, 1, OneLatentOptions); }
            catch (SingleClassException) { }
            if (model is not null) oneLatentModels[j] = model;
            double testAuc = model is null ? double.NaN : LogisticSelection.AucOrNaN(model.PredictLogits(latTest.Gather([j])), test.Labels);
            ranked.Add(new RankedLatent(j, cv[j], explicitCv, model?.Coefficients[0] ?? 0, model?.Intercept ?? 0, testAuc, firing[j]));
        }

        int best = order[0];
        var top1 = oneLatentModels.GetValueOrDefault(best) ?? throw new InvalidOperationException("the best latent could not be fitted.");
        var comboIds = order.Take(Math.Min(options.Combination, cv.Length)).ToArray();
        var (combo, comboVal) = LogisticSelection.Fit(latTrain.Gather(comboIds), train.Labels, comboIds.Length, folds, log, $"SAE top-{comboIds.Length}");
        var (linear, linearVal) = LogisticSelection.Fit(train.Features, train.Labels, train.Dim, folds, log, "linear probe");

        var bootstrap = new BootstrapOptions(options.BootstrapResamples, 0.95, options.Seed);
        var rows = new List<ResultRow>();
        void Evaluate(ActivationSet set, LatentMatrix lat, string setting)
        {
            var template = new ResultRow(set.Name, setting, "", null, double.NaN, double.NaN, double.NaN, double.NaN) { NTrain = train.Rows, Sae = inputs.SaeLabel };
            rows.Add(RowScoring.Score(template with { Method = "sae_top1", K = 1, ValAuc = cv[best], Latents = [best], Chosen = Describe(top1) },
                top1.PredictLogits(lat.Gather([best])), set.Labels, 0, bootstrap));
            rows.Add(RowScoring.Score(template with { Method = $"sae_top{comboIds.Length}", K = comboIds.Length, ValAuc = comboVal, Latents = comboIds, Chosen = LogisticSelection.Describe(combo) },
                combo.PredictLogits(lat.Gather(comboIds)), set.Labels, 0, bootstrap));
            rows.Add(RowScoring.Score(template with { Method = "linear_probe", ValAuc = linearVal, Sae = null, Chosen = LogisticSelection.Describe(linear) },
                linear.PredictLogits(set.Features), set.Labels, 0, bootstrap));
        }
        Evaluate(test, latTest, "test");
        foreach (var o in inputs.Ood)
        {
            log.Info($"{Name}: scoring OOD set {o.Name} ({o.Rows} rows)");
            Evaluate(o, LatentMatrix.Encode(inputs.Sae, o.Features, o.Rows), "ood");
        }

        double maxDiff = ranked.Where(r => double.IsFinite(r.CvAucExplicit)).Select(r => Math.Abs(r.CvAuc - r.CvAucExplicit)).DefaultIfEmpty(0).Max();
        if (maxDiff > 1e-6) log.Warn($"ranking: the raw-latent CV AUC and the explicit fit differ by up to {maxDiff:G3} on the kept latents (expected ~0).");
        var sections = new JsonObject
        {
            ["inputs"] = SparseProbingProtocol.Inputs([inputs.Acts, .. inputs.Ood]),
            ["split"] = new JsonObject { ["train"] = train.Rows, ["test"] = test.Rows, ["folds"] = options.Folds, ["seed"] = options.Seed },
            ["sae"] = new JsonObject { ["label"] = inputs.SaeLabel, ["d_sae"] = inputs.Sae.DSae, ["architecture"] = inputs.Sae.Config.Architecture.ToString() },
            ["ranking"] = new JsonArray(ranked.Select(r => (JsonNode)new JsonObject
            {
                ["latent"] = r.Latent, ["cv_auc"] = ResultsJson.Number(r.CvAuc), ["cv_auc_explicit_fit"] = ResultsJson.Number(r.CvAucExplicit),
                ["scale"] = ResultsJson.Number(r.Scale), ["bias"] = ResultsJson.Number(r.Bias), ["test_auc"] = ResultsJson.Number(r.TestAuc),
                ["firing_rate"] = ResultsJson.Number(r.FiringRate),
            }).ToArray()),
            ["ranking_equivalence_max_abs_diff"] = ResultsJson.Number(maxDiff),
            ["ranking_seconds"] = ResultsJson.Number(started.Elapsed.TotalSeconds),
        };
        var (markdown, charts) = AnswerabilityReport.Build(inputs, options, rows, ranked, maxDiff, log.Warnings);
        return new ProtocolResult(Name, rows, sections, log.Warnings.ToArray(), markdown, charts);
    }

    /// <summary>Mean over folds of the validation AUC of a scale+bias logistic fit on the training folds (the definition the ranking reproduces).</summary>
    public static double ExplicitCvAuc(float[] x, int[] y, IReadOnlyList<DataSplit> folds)
    {
        double sum = 0;
        int used = 0;
        foreach (var f in folds)
        {
            var yTrain = RowSelection.Gather<int>(y, f.Train);
            var yVal = RowSelection.Gather<int>(y, f.Test);
            if (!yVal.Contains(0) || !yVal.Contains(1) || !yTrain.Contains(0) || !yTrain.Contains(1)) continue;
            var model = LogisticRegression.Fit(RowSelection.Gather(x, 1, f.Train), yTrain, 1, OneLatentOptions);
            sum += Roc.RocAuc(model.PredictLogits(RowSelection.Gather(x, 1, f.Test)), yVal);
            used++;
        }
        return used == 0 ? double.NaN : sum / used;
    }

    private static double[] FiringRates(LatentMatrix latents)
    {
        var rate = new double[latents.Width];
        for (int i = 0; i < latents.Rows; i++)
        {
            var idx = latents.RowIndices(i);
            var val = latents.RowValues(i);
            for (int e = 0; e < idx.Length; e++)
                if (val[e] != 0) rate[idx[e]]++;
        }
        for (int j = 0; j < rate.Length; j++) rate[j] /= Math.Max(1, latents.Rows);
        return rate;
    }

    private static string Describe(LogisticRegressionModel m) =>
        string.Create(CultureInfo.InvariantCulture, $"scale={m.Coefficients[0]:G4},bias={m.Intercept:G4}");
}
