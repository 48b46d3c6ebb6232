using System.Text.Json.Nodes;
using ProbeMonitor.Estimators;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Evaluation;

/// <summary>The data of a sparse-probing run.</summary>
/// <param name="Train">Training activations.</param>
/// <param name="Test">In-distribution test activations.</param>
/// <param name="Ood">A covariate-shifted test set, or null.</param>
/// <param name="Sae">The SAE for SAE probes, or null (SAE probes are then skipped).</param>
/// <param name="SaeLabel">"trained" or "random", written in the rows' "sae" field.</param>
public sealed record SparseProbingInputs(ActivationSet Train, ActivationSet Test, ActivationSet? Ood = null, SparseAutoencoder? Sae = null, string SaeLabel = "trained");

/// <summary>Settings of a sparse-probing run.</summary>
/// <param name="Methods">Any of logreg, pca, knn, mlp, gbdt, attn, sae, in the order to run them.</param>
/// <param name="Regime">The hard regime to run besides the normal setting.</param>
/// <param name="Seed">Seeds the shuffle, the folds and the regime draws.</param>
/// <param name="MaxK">The largest k of SAE probes (the benchmark's 512), capped at the SAE width.</param>
public sealed record SparseProbingOptions(IReadOnlyList<string> Methods, Regime Regime = Regime.None, int Seed = 42, int MaxK = 512)
{
    /// <summary>Every method, the default.</summary>
    public static IReadOnlyList<string> AllMethods { get; } = ["logreg", "pca", "knn", "mlp", "gbdt", "attn", "sae"];
}

/// <summary>
/// `evaluate sparse-probing`: Kantamneni, Engels et al. (2025), "Are Sparse Autoencoders Useful? A Case Study in Sparse Probing".
/// Baselines and k-sparse SAE probes are fitted with the benchmark's validation rule (n ≤ 12 leave-two-out, n &lt; 128 stratified
/// 6-fold, else the last min(20 %, 100) rows), scored on the test file, optionally on an OOD file, in the normal setting and
/// one hard regime; then the quiver-of-arrows comparison.
/// </summary>
/// <remarks>
/// The training rows are shuffled once (seeded) before anything else, as the benchmark's are, so that the holdout split is
/// not one class when a file is sorted by label. SAE latents are encoded once per file. In the normal setting SAE probes use
/// k ∈ {1, 2, 4, …, 512} with and without binarisation; in the hard regimes k ∈ {16, 128}, unbinarised, as the benchmark does.
/// </remarks>
public static class SparseProbingProtocol
{
    /// <summary>The protocol name in results.json.</summary>
    public const string Name = "sparse-probing";

    /// <summary>Runs the protocol; the report and charts are built by <see cref="SparseProbingReport"/>.</summary>
    /// <exception cref="ArgumentException">Dimensions disagree (between files, or with the SAE's d_in), or an unknown method is asked for.</exception>
    public static ProtocolResult Run(SparseProbingInputs inputs, SparseProbingOptions options, EvaluationLog log)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        var unknown = options.Methods.Except(SparseProbingOptions.AllMethods).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"unknown method(s) {string.Join(", ", unknown)}; use {string.Join(", ", SparseProbingOptions.AllMethods)}.");
        CheckDimensions(inputs);
        if (inputs.Train.Positives == 0 || inputs.Train.Positives == inputs.Train.Rows)
            throw new ArgumentException($"{inputs.Train.Name}: the training labels hold one class only ({inputs.Train.Rows} rows); probing needs both.");

        var rng = new Random(options.Seed);
        var order = Enumerable.Range(0, inputs.Train.Rows).ToArray();
        rng.Shuffle(order);
        var train = Encode(inputs.Train.Subset(order), inputs.Sae, log);
        var test = Encode(inputs.Test, inputs.Sae, log);
        var ood = inputs.Ood is null ? null : Encode(inputs.Ood, inputs.Sae, log);
        bool wantSae = options.Methods.Contains("sae");
        if (wantSae && inputs.Sae is null) log.Warn("SAE probes skipped: no --sae given.");

        var rows = new List<ResultRow>();
        var settings = TrainingRegimes.Settings(options.Regime, train.Labels, test.Labels, options.Seed, log);
        foreach (var setting in settings)
        {
            bool normal = setting.Setting == "normal";
            var trainSet = train.Subset(setting.TrainRows);
            if (setting.TrainLabels is { } labels) trainSet = trainSet with { Set = trainSet.Set.WithLabels(labels) };
            var testSet = setting.TestRows is { } t ? test.Subset(t) : test;
            int positives = trainSet.Labels.Sum();
            if (positives == 0 || positives == trainSet.Rows)
            {
                log.Warn($"{setting.Setting} {setting.Value}: the training sample holds one class; setting skipped.");
                continue;
            }
            var splits = trainSet.Rows >= 4 ? Splits.SparseProbing(trainSet.Labels, options.Seed) : [];
            log.Info($"{Name}: {setting.Setting}{(setting.Value is { } v ? $" {v:G4}" : "")}: {trainSet.Rows} training rows, {splits.Count} validation split(s)");
            foreach (var method in Methods(options, trainSet, normal, wantSae, inputs.Sae is not null))
            {
                var row = Template(inputs, setting, trainSet, testSet, method.Name);
                FittedProbe fitted;
                try
                {
                    fitted = method.Fit(trainSet, splits, log);
                }
                catch (Exception e) when (e is MethodNotApplicableException or SingleClassException)
                {
                    log.Warn($"{method.Name} skipped: {e.Message}");
                    if (normal) rows.Add(row with { Note = $"skipped: {e.Message}" });
                    continue;
                }
                rows.Add(Scored(row, fitted, testSet, inputs.SaeLabel));
                if (normal && ood is not null)
                    rows.Add(Scored(row with { Dataset = inputs.Train.Name, Setting = "ood", NTest = ood.Rows }, fitted, ood, inputs.SaeLabel));
            }
        }

        var decisions = QuiverOfArrows.Decide(rows);
        rows.AddRange(QuiverOfArrows.Rows(decisions));
        var sections = new JsonObject
        {
            ["inputs"] = Inputs(inputs),
            ["regime"] = options.Regime.ToString().ToLowerInvariant(),
            ["seed"] = options.Seed,
            ["quiver"] = QuiverOfArrows.Summary(decisions),
        };
        var (markdown, charts) = SparseProbingReport.Build(inputs, options, rows, decisions, log.Warnings);
        return new ProtocolResult(Name, rows, sections, log.Warnings.ToArray(), markdown, charts);
    }

    /// <summary>The methods for one setting: the requested baselines, then SAE probes over the setting's k grid.</summary>
    private static IEnumerable<IProbeMethod> Methods(SparseProbingOptions options, ProbeData train, bool normal, bool wantSae, bool haveSae)
    {
        foreach (var name in options.Methods.Where(m => m != "sae"))
            yield return name switch
            {
                "logreg" => new LogisticProbeMethod(),
                "pca" => new PcaProbeMethod(),
                "knn" => new KnnProbeMethod(),
                "mlp" => new MlpProbeMethod(),
                "gbdt" => new GbdtProbeMethod(),
                "attn" => new AttentionProbeMethod(),
                _ => throw new ArgumentException($"unknown method '{name}'."),
            };
        if (!wantSae || !haveSae || train.Latents is null) yield break;
        var order = LatentRanking.Order(train.Latents, train.Labels);
        int width = train.Latents.Width;
        var ks = normal ? LatentRanking.KGrid(width, options.MaxK) : new[] { 16, 128 }.Select(k => Math.Min(k, width)).Distinct().ToArray();
        foreach (int k in ks) yield return new SaeProbeMethod(k, false, order);
        if (normal)
            foreach (int k in ks) yield return new SaeProbeMethod(k, true, order);
    }

    private static ResultRow Template(SparseProbingInputs inputs, RegimeSetting setting, ProbeData train, ProbeData test, string method) =>
        new(inputs.Train.Name, setting.Setting, method, null, double.NaN, double.NaN, double.NaN, double.NaN)
        {
            NTrain = train.Rows, NTest = test.Rows, RegimeValue = setting.Value,
        };

    private static ResultRow Scored(ResultRow row, FittedProbe fitted, ProbeData data, string saeLabel)
    {
        var s = fitted.Evaluate(data);
        return row with
        {
            Method = fitted.Method, K = fitted.K, ValAuc = fitted.ValAuc, TestAuc = s.Auc, TestAcc = s.Accuracy, TestF1 = s.WeightedF1,
            TestMacroF1 = s.MacroF1, Chosen = fitted.Chosen, Sae = fitted.UsesSae ? saeLabel : null,
            Latents = fitted.Latents?.Take(16).ToArray(),
        };
    }

    private static ProbeData Encode(ActivationSet set, SparseAutoencoder? sae, EvaluationLog log)
    {
        if (sae is null) return new ProbeData(set);
        log.Info($"{Name}: encoding {set.Rows} rows of {set.Name} with the SAE ({sae.DSae} latents)");
        return new ProbeData(set, LatentMatrix.Encode(sae, set.Features, set.Rows));
    }

    /// <summary>Fails unless every file has the training file's width and the SAE reads it.</summary>
    public static void CheckDimensions(SparseProbingInputs inputs)
    {
        int d = inputs.Train.Dim;
        foreach (var other in new[] { inputs.Test, inputs.Ood })
            if (other is not null && other.Dim != d)
                throw new ArgumentException($"{other.Name} ({other.Path}) has d = {other.Dim} but the training file {inputs.Train.Name} has d = {d}.");
        CheckSae(inputs.Sae, inputs.Train);
    }

    /// <summary>Fails unless the SAE's d_in equals the activations' width.</summary>
    public static void CheckSae(SparseAutoencoder? sae, ActivationSet set)
    {
        if (sae is not null && sae.DIn != set.Dim)
            throw new ArgumentException($"the SAE reads d_in = {sae.DIn} but {set.Name} ({set.Key}) has d = {set.Dim}; was it trained for another model or layer?");
    }

    /// <summary>The "inputs" section: each file's name, path, rows, positives and SHA-256.</summary>
    public static JsonArray Inputs(params ActivationSet?[] sets) => new(sets.Where(s => s is not null).Select(s => (JsonNode)new JsonObject
    {
        ["name"] = s!.Name, ["path"] = s.Path, ["key"] = s.Key, ["rows"] = s.Rows, ["positives"] = s.Positives, ["sha256"] = s.Sha256,
    }).ToArray());

    private static JsonArray Inputs(SparseProbingInputs inputs) => Inputs(inputs.Train, inputs.Test, inputs.Ood);
}
