namespace ProbeMonitor.Sae.Training;

/// <summary>The sparsity coefficient λ, fixed or steered toward a target L0 (the <c>--target-l0</c> option).</summary>
/// <remarks>
/// <para>
/// An integral controller in log space with conditional integration. Each step it smooths the batch L0
/// (L̄ ← 0.9·L̄ + 0.1·L0), forms the error e = clamp(ln(L̄/L0*), −1, 1), and unless L̄ is already moving toward the
/// target, sets λ ← λ·exp(γ·e).
/// </para>
/// <para>
/// Log space, because the L0 a given λ produces spans orders of magnitude (a fresh ReLU SAE fires half its latents):
/// multiplicative steps are scale-free and keep λ positive; the clamp bounds each step to a factor e^±γ.
/// Conditional integration (hold λ while the error is shrinking) is the anti-windup: Adam moves weights and
/// thresholds at most about η per step whatever λ is, so L0 lags λ by hundreds of steps, and a plain integrator keeps
/// raising λ all that time, then overshoots and has to unwind as slowly. Holding while L̄ approaches the target lets
/// the lag play out; λ moves again only when L0 stalls or turns away. Being integral, it settles where mean L0 equals
/// the target.
/// </para>
/// </remarks>
public sealed class SparsityController
{
    private const double Smoothing = 0.9;
    private readonly double _gain;
    private double _smoothedL0 = double.NaN;
    private double _lastError = double.NaN;

    /// <summary>λ starts at <paramref name="initial"/>; with no <paramref name="targetL0"/> it never changes.</summary>
    public SparsityController(double initial, double? targetL0, double gain)
    {
        if (!(double.IsFinite(initial) && initial >= 0)) throw new ArgumentOutOfRangeException(nameof(initial), $"sparsity controller: λ must be finite and non-negative, got {initial}.");
        if (targetL0 is { } t && !(t > 0)) throw new ArgumentOutOfRangeException(nameof(targetL0), $"sparsity controller: target L0 must be positive, got {t}.");
        if (targetL0 is not null && initial == 0)
            throw new ArgumentOutOfRangeException(nameof(initial), "sparsity controller: a target L0 needs a positive starting λ (a multiplicative controller cannot leave 0).");
        Coefficient = initial;
        TargetL0 = targetL0;
        _gain = gain;
    }

    /// <summary>The current λ.</summary>
    public double Coefficient { get; private set; }

    /// <summary>The target, if steering.</summary>
    public double? TargetL0 { get; }

    /// <summary>Feeds one batch's mean L0.</summary>
    public void Update(double batchL0)
    {
        if (TargetL0 is not { } target || double.IsNaN(batchL0)) return;
        _smoothedL0 = double.IsNaN(_smoothedL0) ? batchL0 : Smoothing * _smoothedL0 + (1 - Smoothing) * batchL0;
        double error = Math.Clamp(Math.Log(_smoothedL0 / target), -1.0, 1.0);
        bool approaching = !double.IsNaN(_lastError) && Math.Abs(error) < Math.Abs(_lastError) && Math.Sign(error) == Math.Sign(_lastError);
        _lastError = error;
        if (!approaching) Coefficient *= Math.Exp(_gain * error);
    }
}
