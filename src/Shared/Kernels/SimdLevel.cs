namespace ProbeMonitor.Kernels;

/// <summary>Instruction set the managed GEMM kernels are compiled for; each level has its own register-blocked micro-kernels.</summary>
public enum SimdLevel
{
    /// <summary><see cref="System.Numerics.Vector{T}"/> with multiply-add estimates: any hardware, modest speed.</summary>
    Portable,

    /// <summary>256-bit AVX2 + FMA3: 6×16 broadcast and 2×4 dot micro-kernels (fits the 16 ymm registers).</summary>
    Avx2,

    /// <summary>512-bit AVX-512F: 8×32 broadcast and 4×4 dot micro-kernels (uses the 32 zmm registers).</summary>
    Avx512,
}
