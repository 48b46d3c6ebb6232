using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Numpy;

namespace ProbeMonitor.Sae;

/// <summary>Loads Gemma Scope's <c>params.npz</c> (W_enc, W_dec, b_enc, b_dec, threshold, float32) as a JumpReLU SAE.</summary>
/// <remarks>Gemma Scope does not subtract b_dec from the input, and its files carry no metadata, so the caller names the hook.</remarks>
public static class GemmaScopeNpz
{
    /// <summary>Reads and checks the archive; dimensions come from W_enc's shape.</summary>
    public static SparseAutoencoder Load(string path, string? modelName = null, string? hookName = null, int? hookLayer = null)
    {
        using var npz = NpzArchive.Open(path);
        var wEnc = ReadFloat(npz, "W_enc");
        var shape = wEnc.Shape;
        if (shape.Length != 2 || shape[0] <= 0 || shape[1] <= 0 || shape[0] > int.MaxValue || shape[1] > int.MaxValue)
            throw new TensorFormatException(path, "W_enc", $"shape is {TensorShape.Format(shape)}; expected [d_in, d_sae]");
        var config = new SaeConfig(SaeArchitecture.JumpRelu, (int)shape[0], (int)shape[1])
        {
            ApplyBDecToInput = false,
            ModelName = modelName,
            HookName = hookName,
            HookLayer = hookLayer,
        };
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal) { ["W_enc"] = wEnc.ToSingles() };
        foreach (var name in SaeWeightSet.Required(SaeArchitecture.JumpRelu).Skip(1))
        {
            var array = ReadFloat(npz, name);
            SaeWeightSet.CheckShape(path, name, array.Shape, config);
            tensors[name] = array.ToSingles();
        }
        return SaeWeightSet.Build(path, config, tensors);
    }

    private static NpyArray ReadFloat(NpzArchive npz, string name)
    {
        // SAELens's converter also accepts lower-case "w_enc"/"w_dec"; some re-exports use them.
        string? lower = name.StartsWith("W_", StringComparison.Ordinal) ? "w" + name[1..] : null;
        var array = npz.Read(!npz.Contains(name) && lower is not null && npz.Contains(lower) ? lower : name);
        if (array.DTypeDescr is not (NpyDescr.Float32 or NpyDescr.Float16 or NpyDescr.Float64))
            throw new TensorFormatException(npz.Path, name, $"dtype '{array.DTypeDescr}' is not a float type (expected <f4)");
        return array;
    }
}
