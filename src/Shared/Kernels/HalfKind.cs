namespace ProbeMonitor.Kernels;

/// <summary>Which 16-bit float format a buffer of raw <see cref="ushort"/> bits holds.</summary>
public enum HalfKind
{
    /// <summary>bfloat16: the top 16 bits of a float32 (Gemma's native weight type).</summary>
    BFloat16,

    /// <summary>IEEE 754 binary16.</summary>
    Float16,
}
