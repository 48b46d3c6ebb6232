using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;

namespace ProbeMonitor.Sae;

/// <summary>An SAE saved the SAELens way: a folder with <c>cfg.json</c> and <c>sae_weights.safetensors</c>.</summary>
public static class SaeLensDirectory
{
    /// <summary>The config file's name inside the folder.</summary>
    public const string ConfigFileName = "cfg.json";

    /// <summary>The weights file's name inside the folder.</summary>
    public const string WeightsFileName = "sae_weights.safetensors";

    /// <summary>Loads and checks the folder: every tensor the architecture needs, with the shapes cfg.json implies, all finite.</summary>
    /// <param name="directory">The SAE's folder.</param>
    /// <param name="normScalingFactor">The factor for an expected_average_only_in SAE, when cfg.json does not carry it.</param>
    /// <remarks>
    /// Weights in F16/BF16 are widened to float32. A JumpReLU file that stores log_threshold (SAELens training checkpoints)
    /// is accepted as threshold = exp(log_threshold). A finetuning scaling_factor other than all ones is refused.
    /// </remarks>
    public static SparseAutoencoder Load(string directory, double? normScalingFactor = null)
    {
        var cfgPath = Path.Combine(directory, ConfigFileName);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(cfgPath)) throw new FileNotFoundException($"SAELens SAE folder '{directory}' has no {ConfigFileName}.", cfgPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"SAELens SAE folder '{directory}' has no {WeightsFileName}.", weightsPath);
        var config = SaeLensConfigJson.Parse(File.ReadAllText(cfgPath), cfgPath, normScalingFactor);

        using var file = SafetensorsFile.Open(weightsPath);
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var name in SaeWeightSet.Required(config.Architecture))
        {
            if (name == "threshold" && !file.Contains("threshold") && file.Contains("log_threshold"))
            {
                tensors[name] = ReadChecked(file, "log_threshold", config, shapeOf: "threshold");
                for (int j = 0; j < tensors[name].Length; j++) tensors[name][j] = MathF.Exp(tensors[name][j]);
                continue;
            }
            if (!file.Contains(name))
                throw new TensorFormatException(weightsPath, name, $"missing; a {config.Architecture} SAE needs {string.Join(", ", SaeWeightSet.Required(config.Architecture))}");
            tensors[name] = ReadChecked(file, name, config, shapeOf: name);
        }
        if (file.Contains("scaling_factor"))
        {
            var scaling = file.ReadSingles("scaling_factor");
            if (scaling.Any(v => v != 1f))
                throw new TensorFormatException(weightsPath, "scaling_factor", "a finetuning scaling factor other than 1 is not supported");
        }
        return SaeWeightSet.Build(weightsPath, config, tensors);
    }

    /// <summary>
    /// Writes cfg.json and sae_weights.safetensors (float32). Both are staged in a temporary folder beside the target first:
    /// a new folder then appears whole with one rename; into an existing folder each file is swapped in by rename, weights
    /// first, so no reader ever sees a partly written file. Other files in an existing folder are left alone.
    /// </summary>
    public static void Save(SparseAutoencoder sae, string directory)
    {
        ArgumentNullException.ThrowIfNull(sae);
        var target = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"cannot save an SAE to the root '{directory}'.");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            var c = sae.Config;
            SafetensorsWriter.Write(Path.Combine(staging, WeightsFileName),
            [
                TensorToWrite.Singles("W_enc", sae.WEnc, c.DIn, c.DSae),
                TensorToWrite.Singles("W_dec", sae.WDec, c.DSae, c.DIn),
                TensorToWrite.Singles("b_enc", sae.BEnc, c.DSae),
                TensorToWrite.Singles("b_dec", sae.BDec, c.DIn),
                .. c.Architecture == SaeArchitecture.JumpRelu ? [TensorToWrite.Singles("threshold", sae.Threshold, c.DSae)] : Array.Empty<TensorToWrite>(),
            ]);
            WriteDurably(Path.Combine(staging, ConfigFileName), SaeLensConfigJson.Write(c));
            if (!Directory.Exists(target))
            {
                Directory.Move(staging, target);
                return;
            }
            File.Move(Path.Combine(staging, WeightsFileName), Path.Combine(target, WeightsFileName), overwrite: true);
            File.Move(Path.Combine(staging, ConfigFileName), Path.Combine(target, ConfigFileName), overwrite: true);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static float[] ReadChecked(SafetensorsFile file, string name, SaeConfig config, string shapeOf)
    {
        var info = file.GetInfo(name);
        if (info.DType is not (DType.F32 or DType.F16 or DType.BF16))
            throw new TensorFormatException(file.Path, name, $"dtype is {info.DType.SafetensorsName()}; SAE weights must be F32, F16 or BF16");
        var expected = SaeWeightSet.ExpectedShape(shapeOf, config);
        if (!info.Shape.AsSpan().SequenceEqual(expected))
            throw new TensorFormatException(file.Path, name,
                $"shape is {TensorShape.Format(info.Shape)} but cfg.json's d_in = {config.DIn}, d_sae = {config.DSae} make it {TensorShape.Format(expected)}");
        return file.ReadSingles(name);
    }

    private static void WriteDurably(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
