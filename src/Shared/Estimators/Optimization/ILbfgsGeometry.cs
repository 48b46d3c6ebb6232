namespace ProbeMonitor.Estimators.Optimization;

/// <summary>
/// How <see cref="Lbfgs"/> measures vectors whose coordinates are a representation rather than the parameters themselves
/// (for example w = Xᵀα stored as α and Xα): the inner product of the parameter space, and the gradient test of its stopping rule.
/// </summary>
/// <remarks>Every vector L-BFGS forms is a linear combination of points and gradients, so any linear representation works
/// as long as <see cref="Dot"/> is the parameter space's inner product on it.</remarks>
public interface ILbfgsGeometry
{
    /// <summary>⟨a, b⟩ of the vectors the two representations stand for.</summary>
    double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b);

    /// <summary>
    /// The largest gradient component in the parameters' own coordinates, compared with the gradient tolerance. An
    /// implementation may return a cheaper value instead, provided it is ≤ <paramref name="tolerance"/> only when the true
    /// largest component is too (so a run never stops earlier than the exact rule would).
    /// </summary>
    double GradientMaxNorm(ReadOnlySpan<double> gradient, double tolerance);

    /// <summary>
    /// ⟨gradient, direction⟩ for a line-search trial, whose gradient has not been completed (see <see cref="CompleteGradient"/>);
    /// the default is <see cref="Dot"/>.
    /// </summary>
    double Slope(ReadOnlySpan<double> gradient, ReadOnlySpan<double> direction) => Dot(gradient, direction);

    /// <summary>
    /// Finishes a gradient whose evaluation deferred work that only accepted points need: called once per accepted point
    /// (and at the start), before the gradient is used for anything but <see cref="Slope"/>. The default does nothing.
    /// </summary>
    void CompleteGradient(Span<double> gradient)
    {
    }
}
