using System.Globalization;
using System.Text.Json.Nodes;
using ProbeMonitor.Estimators;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Evaluation;

/// <summary>The data of a cross-lingual toxicity run.</summary>
/// <param name="Train">English training activations (ideally a <c>--pooling none</c> file).</param>
/// <param name="Tests">Test sets by language name.</param>
/// <param name="Sae">The SAE, or null for dense probes only.</param>
/// <param name="SaeLabel">"trained" or "random".</param>
public sealed record ToxicityTransferInputs(ActivationSet Train, IReadOnlyList<(string Language, ActivationSet Set)> Tests, SparseAutoencoder? Sae = null, string SaeLabel = "trained");

/// <summary>Settings of a toxicity-transfer run.</summary>
/// <param name="TopN">The n of the top-n one-hot count features (MOSAIC's 20 and 50).</param>
/// <param name="Folds">Cross-validation folds for choosing C.</param>
/// <param name="HeldOutFraction">Share of the English file held out as the in-language test.</param>
/// <param name="MaxLatents">Most SAE latent columns a probe reads (by normalised mean difference among latents that fire in training); 0 = all that fire.</param>
/// <param name="Seed">Seeds the split and folds.</param>
/// <param name="DenseProbes">Whether to fit the residual-stream probes (a random-baseline run skips them: they do not depend on the SAE).</param>
public sealed record ToxicityTransferOptions(IReadOnlyList<int>? TopN = null, int Folds = 5, double HeldOutFraction = 0.2, int MaxLatents = 4096, int Seed = 42,
    bool DenseProbes = true)
{
    /// <summary>The n values used.</summary>
    public IReadOnlyList<int> TopNValues => TopN ?? [20, 50];
}

/// <summary>
/// `evaluate toxicity-transfer`: MOSAIC (Gallifant et al. 2025, "Sparse Autoencoder Features for Classifications and
/// Transferability"). Probes are trained on English only and tested on each language; metric macro-F1.
/// Features: the residual stream pooled last/mean/max; SAE latents of every token pooled last/mean/max, raw and binarised
/// (&gt; 0); top-n one-hot counts summed over tokens and their binarisation (presence). Logistic regression with C from
/// {0.1, 1, 10} (MOSAIC's grid) by mean validation AUC over stratified folds.
/// </summary>
/// <remarks>Columns of latents that never fire in the English training rows are dropped (their L2-penalised weight is exactly 0,
/// so nothing changes); beyond that, at most <see cref="ToxicityTransferOptions.MaxLatents"/> columns are kept by
/// <see cref="LatentRanking"/>, with a warning when this cuts.</remarks>
public static class ToxicityTransferProtocol
{
    /// <summary>The protocol name in results.json.</summary>
    public const string Name = "toxicity-transfer";

    /// <summary>MOSAIC's C grid.</summary>
    public static double[] CGrid { get; } = [0.1, 1.0, 10.0];

    /// <summary>Runs the protocol.</summary>
    public static ProtocolResult Run(ToxicityTransferInputs inputs, ToxicityTransferOptions options, EvaluationLog log)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Tests.Count == 0) throw new ArgumentException("toxicity-transfer needs at least one --test LANG=FILE.");
        foreach (var (lang, set) in inputs.Tests)
            if (set.Dim != inputs.Train.Dim) throw new ArgumentException($"test set {lang} ({set.Path}) has d = {set.Dim} but the English file has d = {inputs.Train.Dim}.");
        SparseProbingProtocol.CheckSae(inputs.Sae, inputs.Train);
        bool tokens = inputs.Train.Tokens is not null && inputs.Tests.All(t => t.Set.Tokens is not null);
        if (!tokens)
            log.Warn($"pooling variants need per-token activations (extract with --pooling none); using each file's own pooling ({inputs.Train.Pooling}) only.");

        var split = StratifiedHoldout.Split(inputs.Train.Labels, options.HeldOutFraction, options.Seed);
        var train = inputs.Train.Subset(split.Train, inputs.Train.Name + " (train)");
        var evalSets = new List<(string Language, ActivationSet Set)> { ("en (held-out)", inputs.Train.Subset(split.Test, inputs.Train.Name + " (held-out)")) };
        evalSets.AddRange(inputs.Tests);
        var folds = Splits.StratifiedKFold(train.Labels, options.Folds, options.Seed);
        var poolings = tokens ? TokenLatentFeatures.Poolings : [inputs.Train.Pooling];

        var candidates = new List<(string Method, string Pooling, Func<ActivationSet, float[]> Features, int Width, int? K)>();
        foreach (var pooling in options.DenseProbes ? poolings : [])
            candidates.Add(("dense", pooling, s => tokens ? s.Tokens!.Pool(pooling) : s.Features, train.Dim, null));
        if (inputs.Sae is { } sae)
        {
            var cache = new Dictionary<ActivationSet, TokenLatentFeatures>(ReferenceEqualityComparer.Instance);
            var pooledCache = new Dictionary<ActivationSet, LatentMatrix>(ReferenceEqualityComparer.Instance);
            TokenLatentFeatures TokenFeatures(ActivationSet s)
            {
                if (!cache.TryGetValue(s, out var f))
                {
                    log.Info($"{Name}: encoding the tokens of {s.Name} with the SAE");
                    cache[s] = f = TokenLatentFeatures.Compute(sae, s.Tokens!, options.TopNValues);
                }
                return f;
            }
            LatentMatrix Pooled(ActivationSet s, string pooling)
            {
                if (tokens) return TokenFeatures(s).Pooled[pooling];
                if (!pooledCache.TryGetValue(s, out var m)) pooledCache[s] = m = LatentMatrix.Encode(sae, s.Features, s.Rows);
                return m;
            }
            var trainLabels = train.Labels;
            foreach (var pooling in poolings)
            {
                var ids = Columns(Pooled(train, pooling), trainLabels, options.MaxLatents, log, $"sae {pooling}");
                candidates.Add(("sae", pooling, s => Pooled(s, pooling).Gather(ids), ids.Length, ids.Length));
                candidates.Add(("sae_binarized", pooling, s => Binarize(Pooled(s, pooling).Gather(ids)), ids.Length, ids.Length));
            }
            if (tokens)
                foreach (int n in options.TopNValues)
                {
                    var ids = Columns(TokenFeatures(train).TopNCounts[n], trainLabels, options.MaxLatents, log, $"top-{n} counts");
                    candidates.Add(($"sae_top{n}_counts", "sum", s => TokenFeatures(s).TopNCounts[n].Gather(ids), ids.Length, ids.Length));
                    candidates.Add(($"sae_top{n}_binary", "sum", s => Binarize(TokenFeatures(s).TopNCounts[n].Gather(ids)), ids.Length, ids.Length));
                }
        }

        var rows = new List<ResultRow>();
        foreach (var c in candidates)
        {
            log.Info($"{Name}: fitting {c.Method} ({c.Pooling}, {c.Width} features)");
            var x = c.Features(train);
            var (model, val) = LogisticSelection.Fit(x, train.Labels, c.Width, folds, log, $"{c.Method} ({c.Pooling})", CGrid);
            foreach (var (lang, set) in evalSets)
            {
                var template = new ResultRow(lang, lang.StartsWith("en (", StringComparison.Ordinal) ? "in-language" : "transfer", c.Method, c.K,
                    val, double.NaN, double.NaN, double.NaN)
                {
                    NTrain = train.Rows, Pooling = c.Pooling, Chosen = LogisticSelection.Describe(model),
                    Sae = c.Method.StartsWith("sae", StringComparison.Ordinal) ? inputs.SaeLabel : null,
                };
                rows.Add(RowScoring.Score(template, model.PredictLogits(c.Features(set)), set.Labels));
            }
        }
        var sections = new JsonObject
        {
            ["inputs"] = SparseProbingProtocol.Inputs([inputs.Train, .. inputs.Tests.Select(t => t.Set)]),
            ["languages"] = new JsonArray(evalSets.Select(e => (JsonNode)JsonValue.Create(e.Language)!).ToArray()),
            ["primary_metric"] = "test_macro_f1",
        };
        var (markdown, charts) = ToxicityTransferReport.Build(inputs, rows, evalSets.Select(e => e.Language).ToArray(), log.Warnings);
        return new ProtocolResult(Name, rows, sections, log.Warnings.ToArray(), markdown, charts);
    }

    /// <summary>Latents that fire in training, capped at <paramref name="max"/> by normalised mean difference; ascending ids.</summary>
    public static int[] Columns(LatentMatrix train, int[] labels, int max, EvaluationLog log, string what)
    {
        var (_, _, nonZero) = train.ColumnSums(labels);
        var live = Enumerable.Range(0, train.Width).Where(j => nonZero[j] > 0).ToArray();
        if (live.Length == 0)
        {
            log.Warn($"{what}: no latent fires on the training rows; using latent 0 alone.");
            return [0];
        }
        if (max <= 0 || live.Length <= max) return live;
        log.Warn(string.Create(CultureInfo.InvariantCulture, $"{what}: {live.Length} latents fire in training; keeping the {max} with the largest normalised mean difference."));
        var liveSet = new HashSet<int>(live);
        return LatentRanking.Order(train, labels).Where(liveSet.Contains).Take(max).Order().ToArray();
    }

    private static float[] Binarize(float[] x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = x[i] > 0 ? 1f : 0f;
        return x;
    }
}
