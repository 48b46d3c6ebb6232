using System.CommandLine;
using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Synthetic;
using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`sae-synthetic`: the ground-truth experiment of Korznikov et al. (2026) — trained SAE and three random baselines on known features.</summary>
/// <remarks>Writes results.json, report.md, two SVG charts and each SAE (SAELens layout, under saes/) into --out. Defaults run in a few minutes on 2 cores.</remarks>
public static class SaeSyntheticCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var features = new Option<int>("--features") { Description = "True features F.", DefaultValueFactory = _ => 2048 };
        var dim = new Option<int>("--dim") { Description = "Activation dimension D.", DefaultValueFactory = _ => 64 };
        var sparsity = new Option<double>("--sparsity") { Description = "Expected active features per sample (true L0).", DefaultValueFactory = _ => 8 };
        var correlation = new Option<double>("--correlation") { Description = "Within-group co-firing probability in [0, 1] (0 = independent).", DefaultValueFactory = _ => 0 };
        var groupSize = new Option<int>("--group-size") { Description = "Features per correlated group.", DefaultValueFactory = _ => 4 };
        var exponent = new Option<double>("--power-law") { Description = "Frequency power-law exponent (p ∝ rank^−a).", DefaultValueFactory = _ => 1.0 };
        var noise = new Option<double>("--noise") { Description = "Gaussian noise σ added to samples.", DefaultValueFactory = _ => 0 };
        var arch = new Option<string>("--arch") { Description = "topk, jumprelu or relu.", DefaultValueFactory = _ => "topk" };
        var width = new Option<int?>("--width") { Description = "SAE latents (default: F)." };
        var k = new Option<int?>("--k") { Description = "TopK k (default: round(sparsity))." };
        var l1 = new Option<double?>("--l1") { Description = "Sparsity coefficient for relu/jumprelu." };
        var targetL0 = new Option<double?>("--target-l0") { Description = "Target L0 for relu/jumprelu (default: sparsity)." };
        var steps = new Option<int>("--steps") { Description = "Steps per SAE.", DefaultValueFactory = _ => 1500 };
        var batch = new Option<int>("--batch") { Description = "Samples per step.", DefaultValueFactory = _ => 512 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var trainSamples = new Option<int>("--train-samples") { Description = "Training samples.", DefaultValueFactory = _ => 65536 };
        var evalSamples = new Option<int>("--eval-samples") { Description = "Held-out samples.", DefaultValueFactory = _ => 8192 };
        var softMinCos = new Option<double>("--soft-min-cos") { Description = "Soft-frozen decoder: least cosine with the random start.", DefaultValueFactory = _ => 0.8 };
        var seed = new Option<int>("--seed") { Description = "Seed for data and training.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };

        var cmd = new Command("sae-synthetic", "Train SAEs and random baselines on synthetic data with known features; report explained variance vs feature recovery.")
        {
            features, dim, sparsity, correlation, groupSize, exponent, noise, arch, width, k, l1, targetL0, steps, batch, lr, trainSamples, evalSamples, softMinCos, seed, output,
        };
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return CommandErrors.Guard(stderr, () =>
            {
                var data = new SyntheticFeatureOptions
                {
                    Features = parse.GetValue(features),
                    Dim = parse.GetValue(dim),
                    Sparsity = parse.GetValue(sparsity),
                    Correlation = parse.GetValue(correlation),
                    GroupSize = parse.GetValue(groupSize),
                    PowerLawExponent = parse.GetValue(exponent),
                    Noise = parse.GetValue(noise),
                    Seed = parse.GetValue(seed),
                };
                data.Validate();
                var architecture = TrainSaeCommand.ParseArchitecture(parse.GetValue(arch)!);
                bool topK = architecture == SaeArchitecture.TopK;
                var training = new SaeTrainingOptions
                {
                    Architecture = architecture,
                    Width = parse.GetValue(width) ?? data.Features,
                    K = topK ? parse.GetValue(k) ?? Math.Max(1, (int)Math.Round(data.Sparsity)) : parse.GetValue(k),
                    SparsityCoefficient = topK ? parse.GetValue(l1) : parse.GetValue(l1) ?? (architecture == SaeArchitecture.Relu ? 0.5 : 0.1),
                    TargetL0 = topK ? parse.GetValue(targetL0) : parse.GetValue(targetL0) ?? data.Sparsity,
                    JumpReluInitialThreshold = 0.5,
                    JumpReluBandwidth = 0.05,
                    Steps = parse.GetValue(steps),
                    BatchSize = parse.GetValue(batch),
                    LearningRate = parse.GetValue(lr),
                    Seed = parse.GetValue(seed),
                    SoftDecoderMinCosine = parse.GetValue(softMinCos),
                    DeadWindowTokens = 100L * parse.GetValue(batch),
                    LogInterval = Math.Max(1, parse.GetValue(steps) / 30),
                };
                var options = new SyntheticExperimentOptions
                {
                    Data = data,
                    Training = training,
                    TrainSamples = parse.GetValue(trainSamples),
                    EvalSamples = parse.GetValue(evalSamples),
                };
                return Run(options, parse.GetValue(output)!, stdout, stderr);
            });
        });
        return cmd;
    }

    /// <summary>Runs the experiment and writes the report folder; returns the exit code.</summary>
    public static int Run(SyntheticExperimentOptions options, string outDir, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (File.Exists(outDir)) throw new ArgumentException($"--out '{outDir}' is a file; it must be a folder.");
        options.Training.Validate(options.Data.Dim);
        var result = SyntheticExperiment.Run(options, stderr.WriteLine);
        SyntheticReport.Write(result, outDir);
        foreach (var run in result.Runs)
            SaeLensDirectory.Save(run.Autoencoder, Path.Combine(outDir, "saes", run.Freeze.Name()));
        stdout.WriteLine($"wrote {Path.Combine(outDir, SyntheticReport.ReportFile)}");
        foreach (var run in result.Runs)
            stdout.WriteLine(FormattableString.Invariant(
                $"  {run.Label,-20} explained variance {run.ExplainedVariance:F3}  recovered {run.Recovery.RecoveredFraction,6:P1}  mean best cos {run.Recovery.MeanBestCosine:F3}"));
        return 0;
    }
}
