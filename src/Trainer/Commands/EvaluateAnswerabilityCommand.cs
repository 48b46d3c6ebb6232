using System.CommandLine;
using ProbeMonitor.Evaluation;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`evaluate answerability --acts FILE --sae DIR [--ood NAME=FILE …] --out DIR`.</summary>
public static class EvaluateAnswerabilityCommand
{
    /// <summary>Creates the subcommand; with <paramref name="randomBaseline"/> it also needs --random-sae and compares the two.</summary>
    public static Command Create(bool randomBaseline)
    {
        var acts = new Option<string>("--acts") { Description = "Labelled activations (1 = the positive class, e.g. answerable).", Required = true };
        var key = EvaluateArguments.Key();
        var sae = EvaluateArguments.Sae(required: true);
        var ood = EvaluateArguments.Ood();
        var topK = new Option<int>("--top-k") { Description = "Latents kept after ranking.", DefaultValueFactory = _ => 20 };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds of the ranking.", DefaultValueFactory = _ => 5 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share held out as the in-distribution test.", DefaultValueFactory = _ => 0.2 };
        var pooling = new Option<string>("--pooling") { Description = "How token files are pooled: last, mean or max.", DefaultValueFactory = _ => "last" };
        var seed = EvaluateArguments.Seed();
        var output = EvaluateArguments.Out();
        var random = EvaluateArguments.RandomSae();
        var cmd = new Command("answerability", "Heindrich et al. (2025): rank SAE latents as 1-sparse probes; SAE top-1/top-5 vs a linear probe, in and out of distribution.")
        {
            acts, key, sae, ood, topK, folds, testFraction, pooling, seed, output,
        };
        if (randomBaseline) cmd.Options.Add(random);
        cmd.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var log = new EvaluationLog(parse.InvocationConfiguration.Error);
            string? k = parse.GetValue(key), p = parse.GetValue(pooling)!;
            var set = ActivationFile.Load(parse.GetValue(acts)!, k, null, p);
            var oodSets = EvaluateArguments.LoadNamed(parse.GetValue(ood), "--ood", k, p);
            var options = new AnswerabilityOptions(parse.GetValue(topK), parse.GetValue(folds), parse.GetValue(testFraction), parse.GetValue(seed));
            var inputs = new AnswerabilityInputs(set, EvaluateArguments.LoadSae(parse.GetValue(sae)!), oodSets);
            var result = AnswerabilityProtocol.Run(inputs, options, log);
            if (randomBaseline)
            {
                var randomInputs = inputs with { Sae = EvaluateArguments.LoadSae(parse.GetValue(random)!), SaeLabel = "random" };
                result = RandomBaselineComparison.Combine(result, AnswerabilityProtocol.Run(randomInputs, options, new EvaluationLog(parse.InvocationConfiguration.Error)));
            }
            return EvaluateArguments.Finish(result, parse.GetValue(output)!, parse.InvocationConfiguration.Output);
        }));
        return cmd;
    }
}
