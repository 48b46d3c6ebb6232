using System.CommandLine;
using ProbeMonitor.Evaluation;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`evaluate sparse-probing --train A --test B [--key K] [--methods …] [--sae DIR] [--regime …] [--ood FILE] --out DIR`.</summary>
public static class EvaluateSparseProbingCommand
{
    /// <summary>Creates the subcommand; with <paramref name="randomBaseline"/> it needs --sae and --random-sae and compares the two.</summary>
    public static Command Create(bool randomBaseline)
    {
        var train = new Option<string>("--train") { Description = "Training activations (.safetensors with labels).", Required = true };
        var test = new Option<string>("--test") { Description = "Test activations.", Required = true };
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
            train, test, key, methods, sae, regime, ood, pooling, maxK, name, seed, output,
        };
        if (randomBaseline) cmd.Options.Add(random);
        cmd.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var log = new EvaluationLog(parse.InvocationConfiguration.Error);
            string? k = parse.GetValue(key), p = parse.GetValue(pooling)!;
            var trainSet = ActivationFile.Load(parse.GetValue(train)!, k, parse.GetValue(name), p);
            var testSet = ActivationFile.Load(parse.GetValue(test)!, k, null, p);
            var oodSet = parse.GetValue(ood) is { } o ? ActivationFile.Load(o, k, null, p) : null;
            var options = new SparseProbingOptions(
                parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ParseRegime(parse.GetValue(regime)!), parse.GetValue(seed), parse.GetValue(maxK));
            var saeModel = parse.GetValue(sae) is { } s ? EvaluateArguments.LoadSae(s) : null;
            var inputs = new SparseProbingInputs(trainSet, testSet, oodSet, saeModel);
            var result = SparseProbingProtocol.Run(inputs, options, log);
            if (randomBaseline)
            {
                var randomInputs = inputs with { Sae = EvaluateArguments.LoadSae(parse.GetValue(random)!), SaeLabel = "random" };
                var randomResult = SparseProbingProtocol.Run(randomInputs, options with { Methods = ["sae"] }, new EvaluationLog(parse.InvocationConfiguration.Error));
                result = RandomBaselineComparison.Combine(result, randomResult);
            }
            return EvaluateArguments.Finish(result, parse.GetValue(output)!, parse.InvocationConfiguration.Output);
        }));
        return cmd;
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
