using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>Reads a bundle's tensors, checking presence, dtype, shape against the manifest, and finiteness.</summary>
internal sealed class BundleTensorReader(SafetensorsFile file, string bundleDir, string fileName)
{
    /// <summary>A required floating-point tensor of exactly <paramref name="shape"/>; <paramref name="why"/> explains the expected shape.</summary>
    public float[] Floats(string name, string why, params long[] shape)
    {
        if (!file.Contains(name))
            throw Error($"{fileName} has no tensor '{name}'");
        var info = file.GetInfo(name);
        if (info.DType is not (DType.F32 or DType.F16 or DType.BF16))
            throw Error($"tensor '{name}' has dtype {info.DType}; a floating-point tensor is required");
        CheckShape(info, why, shape);
        var values = file.ReadSingles(name);
        int bad = ProbeInput.IndexOfNonFinite(values);
        if (bad >= 0)
            throw Error($"tensor '{name}' holds {values[bad]} at element {bad}; weights must be finite");
        return values;
    }

    /// <summary>An optional floating-point tensor: null when absent, otherwise as <see cref="Floats"/>.</summary>
    public float[]? OptionalFloats(string name, string why, params long[] shape) =>
        file.Contains(name) ? Floats(name, why, shape) : null;

    /// <summary>A required integer tensor of exactly <paramref name="shape"/>.</summary>
    public long[] Integers(string name, string why, params long[] shape)
    {
        if (!file.Contains(name))
            throw Error($"{fileName} has no tensor '{name}'");
        var info = file.GetInfo(name);
        if (info.DType is not (DType.I64 or DType.I32))
            throw Error($"tensor '{name}' has dtype {info.DType}; an integer tensor is required");
        CheckShape(info, why, shape);
        return file.ReadInt64(name);
    }

    private void CheckShape(TensorInfo info, string why, long[] shape)
    {
        if (!info.Shape.AsSpan().SequenceEqual(shape))
            throw Error($"tensor '{info.Name}' has shape [{string.Join(", ", info.Shape)}] but {why} requires [{string.Join(", ", shape)}]");
    }

    private ProbeBundleException Error(string problem) => new(bundleDir, problem);
}
