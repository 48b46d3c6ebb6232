using System.Buffers;
using System.Numerics.Tensors;

namespace ProbeMonitor.Statistics.Drift;

/// <summary>Mahalanobis distance under a <see cref="LowRankGaussian"/>, in O(r·d) time and no allocation.</summary>
/// <remarks>
/// With u = x − μ and projections c_i = v_i·u: d²(x) = Σ_i c_i²/λ_i + (‖u‖² − Σ_i c_i²)/σ². The second term is the
/// squared length of u outside the principal subspace over the residual variance; it is clamped at 0 against rounding,
/// and omitted when r = d (then the formula is the exact full-covariance distance).
/// </remarks>
public static class Mahalanobis
{
    private const int StackLimit = 2048;

    /// <summary>d²(x) for a double vector.</summary>
    public static double DistanceSquared(LowRankGaussian model, ReadOnlySpan<double> x)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckLength(model, x.Length);
        double[]? rented = null;
        Span<double> u = model.Dimension <= StackLimit
            ? stackalloc double[model.Dimension]
            : (rented = ArrayPool<double>.Shared.Rent(model.Dimension)).AsSpan(0, model.Dimension);
        try
        {
            TensorPrimitives.Subtract(x, model.Mean, u);
            return FromCentered(model, u);
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>d²(x) for a float vector (an activation row), widened to double first.</summary>
    public static double DistanceSquared(LowRankGaussian model, ReadOnlySpan<float> x)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckLength(model, x.Length);
        double[]? rented = null;
        Span<double> u = model.Dimension <= StackLimit
            ? stackalloc double[model.Dimension]
            : (rented = ArrayPool<double>.Shared.Rent(model.Dimension)).AsSpan(0, model.Dimension);
        try
        {
            TensorPrimitives.ConvertTruncating<float, double>(x, u);
            TensorPrimitives.Subtract(u, model.Mean, u);
            return FromCentered(model, u);
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>d(x) = √d²(x).</summary>
    public static double Distance(LowRankGaussian model, ReadOnlySpan<float> x) => Math.Sqrt(DistanceSquared(model, x));

    /// <summary>d(x) = √d²(x).</summary>
    public static double Distance(LowRankGaussian model, ReadOnlySpan<double> x) => Math.Sqrt(DistanceSquared(model, x));

    /// <summary>d² of an already centred vector u = x − μ.</summary>
    internal static double FromCentered(LowRankGaussian model, ReadOnlySpan<double> u)
    {
        double inSubspace = 0, scaled = 0;
        for (int i = 0; i < model.Rank; i++)
        {
            double c = TensorPrimitives.Dot(model.Component(i), u);
            inSubspace += c * c;
            scaled += c * c / model.Eigenvalues[i];
        }
        if (model.Rank == model.Dimension) return scaled;
        double residual = Math.Max(TensorPrimitives.Dot(u, u) - inSubspace, 0);
        return scaled + residual / model.ResidualVariance;
    }

    private static void CheckLength(LowRankGaussian model, int length)
    {
        if (length != model.Dimension)
            throw new ArgumentException($"x has {length} values but the model's dimension is {model.Dimension}.", "x");
    }
}
