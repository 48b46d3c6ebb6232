using System.CommandLine;
using ProbeMonitor.Evaluation;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>
/// `evaluate sparse-probing --train A --test B [--key K] [--methods …] [--sae DIR] [--regime …] [--ood FILE] --out DIR`, or
/// over several datasets with `--dataset NAME=TRAIN,TEST[,OOD]` (repeatable): each into OUT/NAME, plus a summary in OUT.
/// </summary>
public static class EvaluateSparseProbingCommand
{
    /// <summary>Creates the subcommand; with <paramref name="randomBaseline"/> it needs --sae and --random-sae and compares the two.</summary>
    public static Command Create(bool randomBaseline)
    {
        var train = new Option<string?>("--train") { Description = "Training activations (.safetensors with labels)." };
        var test = new Option<string?>("--test") { Description = "Test activations." };
        var datasets = new Option<string[]>("--dataset")
        {
            Description = "NAME=TRAIN,TEST[,OOD] (repeatable), instead of --train/--test: one run per dataset into OUT/NAME and a summary table in OUT.",
            AllowMultipleArgumentsPerToken = true,
        };
        var key = EvaluateArguments.Key();
        var methods = new Option<string>("--methods")
        {
            Description = "Comma-separated: logreg, pca, knn, mlp, gbdt, attn, sae.",
            DefaultValueFactory = _ => randomBaseline ? "logreg,sae" : string.Join(",", SparseProbingOptions.AllMethods),
        };
        var sae = EvaluateArguments.Sae(required: randomBaseline);
        var regime = new Option<string>("--regime") { Description = "none, scarcity, imbalance or noise.", DefaultValueFactory = _ => "none" };
        var ood = new Option<string?>("--ood") { Description = "A covariate-shifted test file." };
        var pooling = new Option<string>("--pooling") { Description = "How token files are pooled for non-attention methods: last, mean or max.", DefaultValueFactory = _ => "last" };
        var maxK = new Option<int>("--max-k") { Description = "Largest k of SAE probes.", DefaultValueFactory = _ => 512 };
        var name = new Option<string?>("--name") { Description = "Dataset name in tables (default: the training file's name)." };
        var seed = EvaluateArguments.Seed();
        var output = EvaluateArguments.Out();
        var random = EvaluateArguments.RandomSae();
        var cmd = new Command("sparse-probing", "Kantamneni, Engels et al. (2025): baselines vs k-sparse SAE probes, regimes, quiver of arrows.")
        {
            train, test, datasets, key, methods, sae, regime, ood, pooling, maxK, name, seed, output,
        };
        if (randomBaseline) cmd.Options.Add(random);
        cmd.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            string? k = parse.GetValue(key), p = parse.GetValue(pooling)!;
            var options = new SparseProbingOptions(
                parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ParseRegime(parse.GetValue(regime)!), parse.GetValue(seed), parse.GetValue(maxK));
            var saeModel = parse.GetValue(sae) is { } s ? EvaluateArguments.LoadSae(s) : null;
            var randomSae = randomBaseline ? EvaluateArguments.LoadSae(parse.GetValue(random)!) : null;
            string outDir = parse.GetValue(output)!;
            var list = DatasetList.Parse(parse.GetValue(datasets));
            if (list.Count > 0)
            {
                if (parse.GetValue(train) is not null || parse.GetValue(test) is not null || parse.GetValue(ood) is not null || parse.GetValue(name) is not null)
                    throw new ArgumentException("--dataset replaces --train, --test, --ood and --name; give one form or the other.");
                var runs = new List<(string, string, ProtocolResult)>();
                foreach (var d in list)
                {
                    var inputs = new SparseProbingInputs(ActivationFile.Load(d.Train, k, d.Name, p), ActivationFile.Load(d.Test, k, null, p),
                        d.Ood is null ? null : ActivationFile.Load(d.Ood, k, null, p), saeModel);
                    var one = Run(inputs, options, randomSae, stderr);
                    ResultsJson.Write(one, Path.Combine(outDir, d.Name));
                    runs.Add((d.Name, d.Name, one));
                }
                return EvaluateArguments.Finish(SparseProbingSummary.Combine(runs), outDir, parse.InvocationConfiguration.Output);
            }
            if (parse.GetValue(train) is not { } trainPath || parse.GetValue(test) is not { } testPath)
                throw new ArgumentException("give --train and --test, or one or more --dataset NAME=TRAIN,TEST[,OOD].");
            var single = new SparseProbingInputs(ActivationFile.Load(trainPath, k, parse.GetValue(name), p), ActivationFile.Load(testPath, k, null, p),
                parse.GetValue(ood) is { } o ? ActivationFile.Load(o, k, null, p) : null, saeModel);
            return EvaluateArguments.Finish(Run(single, options, randomSae, stderr), outDir, parse.InvocationConfiguration.Output);
        }));
        return cmd;
    }

    /// <summary>The protocol on one dataset; with a random SAE, its SAE probes beside the trained SAE's and the margin.</summary>
    private static ProtocolResult Run(SparseProbingInputs inputs, SparseProbingOptions options, SparseAutoencoder? randomSae, TextWriter stderr)
    {
        var result = SparseProbingProtocol.Run(inputs, options, new EvaluationLog(stderr));
        if (randomSae is null) return result;
        var randomResult = SparseProbingProtocol.Run(inputs with { Sae = randomSae, SaeLabel = "random" }, options with { Methods = ["sae"] }, new EvaluationLog(stderr));
        return RandomBaselineComparison.Combine(result, randomResult);
    }

    /// <summary>Parses --regime.</summary>
    public static Regime ParseRegime(string value) => value.ToLowerInvariant() switch
    {
        "none" => Regime.None,
        "scarcity" => Regime.Scarcity,
        "imbalance" => Regime.Imbalance,
        "noise" => Regime.Noise,
        _ => throw new ArgumentException($"--regime must be none, scarcity, imbalance or noise, got '{value}'."),
    };
}
