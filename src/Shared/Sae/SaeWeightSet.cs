using System.Numerics.Tensors;
using ProbeMonitor.Formats;

namespace ProbeMonitor.Sae;

/// <summary>Builds an SAE from named tensors read out of a file, checking shapes against the config and naming the tensor and file at fault.</summary>
internal static class SaeWeightSet
{
    /// <summary>Expected shape of each SAELens tensor under <paramref name="config"/>.</summary>
    public static long[] ExpectedShape(string name, SaeConfig config) => name switch
    {
        "W_enc" => [config.DIn, config.DSae],
        "W_dec" => [config.DSae, config.DIn],
        "b_enc" or "threshold" => [config.DSae],
        "b_dec" => [config.DIn],
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not an SAE tensor"),
    };

    /// <summary>Tensors the architecture needs, in SAELens order.</summary>
    public static string[] Required(SaeArchitecture arch) =>
        arch == SaeArchitecture.JumpRelu ? ["W_enc", "W_dec", "b_enc", "b_dec", "threshold"] : ["W_enc", "W_dec", "b_enc", "b_dec"];

    /// <summary>Throws unless <paramref name="actual"/> is the tensor's expected shape.</summary>
    public static void CheckShape(string path, string name, ReadOnlySpan<long> actual, SaeConfig config)
    {
        var expected = ExpectedShape(name, config);
        if (!actual.SequenceEqual(expected))
            throw new TensorFormatException(path, name,
                $"shape is {TensorShape.Format(actual)} but d_in = {config.DIn}, d_sae = {config.DSae} make it {TensorShape.Format(expected)}");
    }

    /// <summary>The SAE, with a non-finite value or other weight inconsistency reported against the file.</summary>
    public static SparseAutoencoder Build(string path, SaeConfig config, IReadOnlyDictionary<string, float[]> tensors)
    {
        foreach (var (name, data) in tensors)
        {
            if (TensorPrimitives.IsFiniteAll<float>(data)) continue;
            int at = Array.FindIndex(data, v => !float.IsFinite(v));
            throw new TensorFormatException(path, name, $"element {at} (flat index) is {SparseAutoencoder.Describe(data[at])}; SAE weights must be finite");
        }
        try
        {
            return new SparseAutoencoder(config, tensors["W_enc"], tensors["W_dec"], tensors["b_enc"], tensors["b_dec"],
                tensors.GetValueOrDefault("threshold"));
        }
        catch (ArgumentException e)
        {
            throw new TensorFormatException(path, null, e.Message, e);
        }
    }
}
