using System.CommandLine;
using ProbeMonitor.Evaluation;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`evaluate toxicity-transfer --train EN.safetensors --test LANG=FILE … [--sae DIR] --out DIR`.</summary>
public static class EvaluateToxicityTransferCommand
{
    /// <summary>Creates the subcommand; with <paramref name="randomBaseline"/> it needs --sae and --random-sae and compares the two on macro-F1.</summary>
    public static Command Create(bool randomBaseline)
    {
        var train = new Option<string>("--train") { Description = "English training activations (a --pooling none file for the pooling variants).", Required = true };
        var tests = new Option<string[]>("--test") { Description = "Test set per language as LANG=FILE (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var key = EvaluateArguments.Key();
        var sae = EvaluateArguments.Sae(required: randomBaseline);
        var topN = new Option<string>("--top-n") { Description = "Comma-separated n of the top-n one-hot count features.", DefaultValueFactory = _ => "20,50" };
        var maxLatents = new Option<int>("--max-latents") { Description = "Most SAE latent columns per probe (0 = every latent that fires in training).", DefaultValueFactory = _ => 4096 };
        var seed = EvaluateArguments.Seed();
        var output = EvaluateArguments.Out();
        var random = EvaluateArguments.RandomSae();
        var cmd = new Command("toxicity-transfer", "MOSAIC (2025): train on English, test each language; dense and SAE features, last/mean/max pooling, macro-F1.")
        {
            train, tests, key, sae, topN, maxLatents, seed, output,
        };
        if (randomBaseline) cmd.Options.Add(random);
        cmd.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var log = new EvaluationLog(parse.InvocationConfiguration.Error);
            string? k = parse.GetValue(key);
            var en = ActivationFile.Load(parse.GetValue(train)!, k);
            var testSets = EvaluateArguments.LoadNamed(parse.GetValue(tests), "--test", k).Select(s => (s.Name, s)).ToArray();
            var ns = parse.GetValue(topN)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.TryParse(v, out int n) && n > 0 ? n : throw new ArgumentException($"--top-n values must be positive integers, got '{v}'.")).ToArray();
            var options = new ToxicityTransferOptions(ns, MaxLatents: parse.GetValue(maxLatents), Seed: parse.GetValue(seed));
            var saeModel = parse.GetValue(sae) is { } s ? EvaluateArguments.LoadSae(s) : null;
            var inputs = new ToxicityTransferInputs(en, testSets, saeModel);
            var result = ToxicityTransferProtocol.Run(inputs, options, log);
            if (randomBaseline)
            {
                var randomInputs = inputs with { Sae = EvaluateArguments.LoadSae(parse.GetValue(random)!), SaeLabel = "random" };
                var randomResult = ToxicityTransferProtocol.Run(randomInputs, options with { DenseProbes = false }, new EvaluationLog(parse.InvocationConfiguration.Error));
                result = RandomBaselineComparison.Combine(result, randomResult, "test_macro_f1");
            }
            return EvaluateArguments.Finish(result, parse.GetValue(output)!, parse.InvocationConfiguration.Output);
        }));
        return cmd;
    }
}
