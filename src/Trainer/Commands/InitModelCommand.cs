using System.CommandLine;
using ProbeMonitor.Model;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`init-model`: writes a randomly initialised Gemma-2 checkpoint (config.json + model.safetensors, HF layout), deterministic per seed.</summary>
public static class InitModelCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Gemma-2 config.json giving the sizes (initializer_range sets the weight std, default 0.02).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weight generator; the same seed gives the same bytes.", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Stored precision: f32, bf16 or f16.", DefaultValueFactory = _ => "f32" };
        dtype.AcceptOnlyFromAmong("f32", "bf16", "f16");
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write the checkpoint into.", Required = true };
        var cmd = new Command("init-model", "Write a random Gemma-2 checkpoint for tests and benchmarks.") { config, seed, dtype, output };
        cmd.SetAction(parse => CommandErrors.Guard(() =>
        {
            var cfg = GemmaConfig.Load(parse.GetValue(config)!.FullName);
            var precision = parse.GetValue(dtype) switch
            {
                "bf16" => WeightPrecision.BF16,
                "f16" => WeightPrecision.F16,
                _ => WeightPrecision.F32,
            };
            string dir = parse.GetValue(output)!.FullName;
            RandomCheckpoint.Write(cfg, parse.GetValue(seed), precision, dir);
            Console.Error.WriteLine($"init-model: wrote {cfg.NumHiddenLayers}-layer d={cfg.HiddenSize} checkpoint ({precision}) to {dir}");
            return 0;
        }));
        return cmd;
    }
}
