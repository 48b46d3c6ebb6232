using System.CommandLine;
using System.Reflection;
using ProbeMonitor.Evaluation;
using ProbeMonitor.Evaluation.Export;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Trainer.Provenance;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`export --task answerability|toxicity --acts FILE [--sae DIR] --out DIR …`: calibrated dense and SAE probe bundles side by side.</summary>
public static class ExportCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "answerability or toxicity.", Required = true };
        var acts = new Option<string>("--acts") { Description = "Labelled activations to train, calibrate and test on.", Required = true };
        var key = EvaluateArguments.Key();
        var sae = EvaluateArguments.Sae();
        var saeId = new Option<string?>("--sae-id") { Description = "The SAE's id in the manifest (default: the --sae folder or file name)." };
        var random = new Option<string?>("--random-sae") { Description = "Random-baseline SAE: records the SAE probe's test-AUC margin over the same recipe on it." };
        var output = new Option<string>("--out") { Description = "Folder that receives {task}-dense/, {task}-sae/, results.json and report.md.", Required = true };
        var fpr = new Option<double>("--target-fpr") { Description = "False-positive rate of the decision threshold on held-out negatives.", DefaultValueFactory = _ => 0.05 };
        var ood = EvaluateArguments.Ood();
        var modelId = new Option<string?>("--model-id") { Description = "Model id for the manifest (default: the activation file's model metadata)." };
        var layer = new Option<int?>("--layer") { Description = "Layer for the manifest (default: parsed from the key)." };
        var pooling = new Option<string?>("--pooling") { Description = "last, mean or max: the pooling the probe is served with (default: the file's)." };
        var rank = new Option<int>("--covariance-rank") { Description = "Rank of the reference covariance.", DefaultValueFactory = _ => 32 };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace existing bundle folders." };
        var seed = EvaluateArguments.Seed();
        var cmd = new Command("export", "Train, calibrate and write probe bundles (dense and best SAE probe) with OOD table, drift reference and provenance.")
        {
            task, acts, key, sae, saeId, random, output, fpr, ood, modelId, layer, pooling, rank, overwrite, seed,
        };
        cmd.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var log = new EvaluationLog(parse.InvocationConfiguration.Error);
            string? k = parse.GetValue(key);
            string poolingName = parse.GetValue(pooling) ?? "last";
            var set = ActivationFile.Load(parse.GetValue(acts)!, k, null, poolingName);
            var saePath = parse.GetValue(sae);
            var inputs = new ExportInputs(set, saePath is null ? null : EvaluateArguments.LoadSae(saePath),
                parse.GetValue(saeId) ?? (saePath is null ? null : Path.GetFileName(Path.TrimEndingDirectorySeparator(saePath))),
                EvaluateArguments.LoadNamed(parse.GetValue(ood), "--ood", k, poolingName),
                parse.GetValue(random) is { } r ? EvaluateArguments.LoadSae(r) : null);
            var options = new ExportOptions(parse.GetValue(task)!, parse.GetValue(modelId) ?? ModelIdOf(set),
                TargetFpr: parse.GetValue(fpr), CovarianceRank: parse.GetValue(rank), Seed: parse.GetValue(seed), Layer: parse.GetValue(layer),
                Pooling: parse.GetValue(pooling) is { } p ? ParsePooling(p) : null, Overwrite: parse.GetValue(overwrite));
            var provenance = new ExportProvenance(TrainerVersion(), "probemonitor-trainer " + string.Join(" ", parse.Tokens.Select(t => Quote(t.Value))),
                GitCommit.TryRead(Directory.GetCurrentDirectory()) ?? GitCommit.TryRead(AppContext.BaseDirectory), DateTimeOffset.UtcNow);
            string outDir = parse.GetValue(output)!;
            var (result, bundles) = ProbeExporter.Run(inputs, options, provenance, outDir, log);
            foreach (var b in bundles) parse.InvocationConfiguration.Output.WriteLine($"wrote {b.Directory} ({b.Manifest.ProbeId})");
            return EvaluateArguments.Finish(result, outDir, parse.InvocationConfiguration.Output);
        }));
        return cmd;
    }

    private static Pooling ParsePooling(string value) => value switch
    {
        "last" => Pooling.Last,
        "mean" => Pooling.Mean,
        "max" => Pooling.Max,
        _ => throw new ArgumentException($"--pooling must be last, mean or max, got '{value}'."),
    };

    private static string ModelIdOf(ActivationSet set) =>
        set.Metadata.TryGetValue("model", out var model) && !string.IsNullOrWhiteSpace(model)
            ? Path.GetFileName(Path.TrimEndingDirectorySeparator(model)) is { Length: > 0 } name ? name : model
            : "unknown-model";

    private static string TrainerVersion() =>
        typeof(ExportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ExportCommand).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    private static string Quote(string token) => token.Any(char.IsWhiteSpace) ? $"\"{token}\"" : token;
}
