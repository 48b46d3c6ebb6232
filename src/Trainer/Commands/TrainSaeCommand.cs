using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`train-sae`: trains a TopK, JumpReLU or ReLU SAE (or a random baseline) on activations from a safetensors file.</summary>
/// <remarks>
/// Everything that can be wrong with the inputs (file, key, dtype, NaN/Inf, options, resumed SAE) is checked before the
/// first step and reported as one "error:" line on stderr with exit code 1 (<see cref="CommandErrors"/>). Progress goes to stderr; the output folder gets
/// sae_weights.safetensors + cfg.json (SAELens layout) and training_log.jsonl.
/// </remarks>
public static partial class TrainSaeCommand
{
    /// <summary>The log's file name inside --out.</summary>
    public const string LogFileName = "training_log.jsonl";

    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var acts = new Option<string>("--acts") { Description = "Activations file (.safetensors).", Required = true };
        var key = new Option<string>("--key") { Description = "Tensor name, e.g. blocks.12.hook_resid_post; shape [tokens, d_in] or [..., d_in]; F32/F16/BF16.", Required = true };
        var arch = new Option<string>("--arch") { Description = "topk, jumprelu or relu.", Required = true };
        var width = new Option<int>("--width") { Description = "Number of latents (d_sae).", Required = true };
        var k = new Option<int?>("--k") { Description = "Latents per token (topk)." };
        var l1 = new Option<double?>("--l1") { Description = "Sparsity coefficient λ: L1 for relu (default 5), L0 for jumprelu (default 1); the start value with --target-l0." };
        var targetL0 = new Option<double?>("--target-l0") { Description = "Steer λ so the mean L0 approaches this (relu/jumprelu)." };
        var freeze = new Option<string>("--freeze") { Description = "none, decoder, encoder or soft-decoder (random baselines).", DefaultValueFactory = _ => "none" };
        var steps = new Option<int>("--steps") { Description = "Optimiser steps.", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Tokens per step.", DefaultValueFactory = _ => 1024 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 4e-4 };
        var seed = new Option<int>("--seed") { Description = "Seed for initialisation and batch order.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var deadWindow = new Option<long?>("--dead-window") { Description = "Tokens without firing after which a latent is dead (default 1000 steps' worth)." };
        var auxK = new Option<int?>("--aux-k") { Description = "Dead latents per token for AuxK (default d_in/2)." };
        var auxCoef = new Option<double>("--aux-coef") { Description = "AuxK coefficient (0 disables).", DefaultValueFactory = _ => 1.0 / 32 };
        var bandwidth = new Option<double>("--bandwidth") { Description = "JumpReLU STE bandwidth ε.", DefaultValueFactory = _ => 0.001 };
        var initThreshold = new Option<double>("--init-threshold") { Description = "JumpReLU starting threshold.", DefaultValueFactory = _ => 0.001 };
        var softMinCos = new Option<double>("--soft-min-cos") { Description = "soft-decoder: least cosine of each decoder row with its random start.", DefaultValueFactory = _ => 0.8 };
        var noNormalize = new Option<bool>("--no-normalize") { Description = "Train on raw activations instead of scaling to E‖x‖ = √d_in." };
        var bDecInit = new Option<string>("--b-dec-init") { Description = "median, mean or zeros.", DefaultValueFactory = _ => "median" };
        var logEvery = new Option<int>("--log-every") { Description = "Steps per training-log line.", DefaultValueFactory = _ => 50 };
        var resume = new Option<string?>("--resume") { Description = "SAELens SAE folder to continue from (weights only; Adam restarts)." };
        var modelName = new Option<string?>("--model-name") { Description = "Model name recorded in cfg.json." };

        var cmd = new Command("train-sae", "Train a sparse autoencoder (or a frozen random baseline) on stored activations.")
        {
            acts, key, arch, width, k, l1, targetL0, freeze, steps, batch, lr, seed, output,
            deadWindow, auxK, auxCoef, bandwidth, initThreshold, softMinCos, noNormalize, bDecInit, logEvery, resume, modelName,
        };
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return CommandErrors.Guard(stderr, () =>
            {
                var options = new SaeTrainingOptions
                {
                    Architecture = ParseArchitecture(parse.GetValue(arch)!),
                    Width = parse.GetValue(width),
                    K = parse.GetValue(k),
                    SparsityCoefficient = parse.GetValue(l1),
                    TargetL0 = parse.GetValue(targetL0),
                    Freeze = FreezeModes.Parse(parse.GetValue(freeze)!),
                    Steps = parse.GetValue(steps),
                    BatchSize = parse.GetValue(batch),
                    LearningRate = parse.GetValue(lr),
                    Seed = parse.GetValue(seed),
                    DeadWindowTokens = parse.GetValue(deadWindow),
                    AuxK = parse.GetValue(auxK),
                    AuxKCoefficient = parse.GetValue(auxCoef),
                    JumpReluBandwidth = parse.GetValue(bandwidth),
                    JumpReluInitialThreshold = parse.GetValue(initThreshold),
                    SoftDecoderMinCosine = parse.GetValue(softMinCos),
                    NormalizeInput = !parse.GetValue(noNormalize),
                    DecoderBiasInit = ParseBDecInit(parse.GetValue(bDecInit)!),
                    LogInterval = parse.GetValue(logEvery),
                };
                return Run(parse.GetValue(acts)!, parse.GetValue(key)!, options, parse.GetValue(output)!, stdout, stderr,
                    parse.GetValue(resume), parse.GetValue(modelName));
            });
        });
        return cmd;
    }

    /// <summary>Checks everything, trains, and writes the SAE folder; returns the exit code. Progress goes to <paramref name="stderr"/>.</summary>
    public static int Run(string actsPath, string key, SaeTrainingOptions options, string outDir, TextWriter stdout, TextWriter stderr,
        string? resumeDir = null, string? modelName = null)
    {
        if (File.Exists(outDir)) throw new ArgumentException($"--out '{outDir}' is a file; it must be a folder (new or existing).");
        using var data = ActivationSource.Open(actsPath, key);
        var resumed = resumeDir is null ? null : SaeLensDirectory.Load(resumeDir);
        var trainer = new SaeTrainer(data, options, resumed);
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train-sae: {data.Rows} tokens × d_in {data.DIn} from {data.Name}; {options.Architecture} width {options.Width}, freeze {options.Freeze.Name()}, {options.Steps} steps × {options.BatchSize}; input scale {trainer.NormScalingFactor:G6}"));

        Directory.CreateDirectory(outDir);
        SaeTrainingResult result;
        using (var log = TrainingLogWriter.Create(Path.Combine(outDir, LogFileName)))
            result = trainer.Run(e =>
            {
                log.Write(e);
                stderr.WriteLine(e.Describe());
            }, c => c with { HookName = key, HookLayer = LayerOf(key), ModelName = modelName });
        var sae = result.Autoencoder;
        SaeLensDirectory.Save(sae, outDir);
        var last = result.Log[^1];
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"saved {outDir}: {options.Architecture} d_in {sae.DIn} d_sae {sae.DSae}; last interval FVU {last.Fvu:F4}, L0 {last.L0:F2}, dead {last.DeadFraction:P1}; {result.Tokens} tokens in {result.Seconds:F1} s"));
        return 0;
    }

    /// <summary>topk | jumprelu | relu (or SAELens's "standard").</summary>
    public static SaeArchitecture ParseArchitecture(string text) => text switch
    {
        "topk" => SaeArchitecture.TopK,
        "jumprelu" => SaeArchitecture.JumpRelu,
        "relu" or "standard" => SaeArchitecture.Relu,
        _ => throw new ArgumentException($"--arch '{text}' is not one of topk, jumprelu, relu."),
    };

    private static DecoderBiasInit ParseBDecInit(string text) => text switch
    {
        "median" => DecoderBiasInit.GeometricMedian,
        "mean" => DecoderBiasInit.Mean,
        "zeros" => DecoderBiasInit.Zeros,
        _ => throw new ArgumentException($"--b-dec-init '{text}' is not one of median, mean, zeros."),
    };

    private static int? LayerOf(string key) =>
        BlockIndex().Match(key) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^blocks\.(\d+)\.")]
    private static partial Regex BlockIndex();
}
