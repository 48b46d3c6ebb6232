namespace ProbeMonitor.Model;

/// <summary>How a weight tensor's elements are stored: float32, or 16-bit bit patterns widened inside the kernels.</summary>
public enum WeightPrecision
{
    /// <summary>IEEE binary32.</summary>
    F32,
    /// <summary>bfloat16 (top half of a binary32).</summary>
    BF16,
    /// <summary>IEEE binary16.</summary>
    F16,
}
