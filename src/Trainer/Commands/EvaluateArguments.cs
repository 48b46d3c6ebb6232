using System.CommandLine;
using System.Globalization;
using ProbeMonitor.Evaluation;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>The options and loaders the evaluate and export verbs share: SAE folders, NAME=FILE lists, the output folder.</summary>
public static class EvaluateArguments
{
    /// <summary>--key: the activation tensor.</summary>
    public static Option<string?> Key() => new("--key") { Description = "Activation tensor, e.g. blocks.12.hook_resid_post (default: the file's only blocks.* tensor)." };

    /// <summary>--out: the output folder.</summary>
    public static Option<string> Out() => new("--out") { Description = "Output folder for results.json, report.md and SVG charts.", Required = true };

    /// <summary>--sae: the SAE folder or file.</summary>
    public static Option<string?> Sae(bool required = false) =>
        new("--sae") { Description = "SAE: a SAELens folder (cfg.json + sae_weights.safetensors) or a Gemma Scope params.npz.", Required = required };

    /// <summary>--random-sae: the random-baseline SAE.</summary>
    public static Option<string> RandomSae() =>
        new("--random-sae") { Description = "Random-baseline SAE of the same shape (SAELens folder or params.npz).", Required = true };

    /// <summary>--seed.</summary>
    public static Option<int> Seed() => new("--seed") { Description = "Seed for shuffles, folds and resampling.", DefaultValueFactory = _ => 42 };

    /// <summary>--ood NAME=FILE, repeatable.</summary>
    public static Option<string[]> Ood() => new("--ood") { Description = "Out-of-distribution set as NAME=FILE (repeatable).", AllowMultipleArgumentsPerToken = true };

    /// <summary>Loads an SAE from a SAELens folder or a Gemma Scope .npz file.</summary>
    public static SparseAutoencoder LoadSae(string path)
    {
        if (Directory.Exists(path)) return SaeLensDirectory.Load(path);
        if (File.Exists(path) && path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)) return GemmaScopeNpz.Load(path);
        throw new FileNotFoundException($"SAE '{path}' is neither a SAELens folder nor a Gemma Scope .npz file.", path);
    }

    /// <summary>Parses NAME=FILE pairs, keeping their order; names must be unique.</summary>
    public static IReadOnlyList<(string Name, string Path)> NamedFiles(IEnumerable<string>? values, string option)
    {
        var result = new List<(string, string)>();
        foreach (var v in values ?? [])
        {
            int eq = v.IndexOf('=');
            if (eq <= 0 || eq == v.Length - 1) throw new ArgumentException($"{option} expects NAME=FILE, got '{v}'.");
            string name = v[..eq];
            if (result.Any(r => r.Item1 == name)) throw new ArgumentException($"{option}: the name '{name}' is given twice.");
            result.Add((name, v[(eq + 1)..]));
        }
        return result;
    }

    /// <summary>Loads each NAME=FILE activation set.</summary>
    public static IReadOnlyList<ActivationSet> LoadNamed(IEnumerable<string>? values, string option, string? key, string pooling = "last") =>
        NamedFiles(values, option).Select(p => ActivationFile.Load(p.Path, key, p.Name, pooling)).ToArray();

    /// <summary>Writes the result files and prints where they went.</summary>
    public static int Finish(ProtocolResult result, string outDirectory, TextWriter stdout)
    {
        ResultsJson.Write(result, outDirectory);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Protocol}: {result.Rows.Count} result rows, {result.Warnings.Count} warning(s) → {Path.Combine(outDirectory, ResultsJson.FileName)}"));
        return 0;
    }
}
