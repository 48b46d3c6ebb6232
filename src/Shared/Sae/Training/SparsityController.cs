namespace ProbeMonitor.Sae.Training;

/// <summary>The sparsity coefficient λ, fixed or steered toward a target L0 (the <c>--target-l0</c> option).</summary>
/// <remarks>
/// The controller is integral and works in log space: after each step, λ ← λ·exp(γ·clamp(ln(L0/L0*), −1, 1)).
/// Log space because the L0 that a given λ produces spans orders of magnitude (a fresh ReLU SAE fires half its
/// latents), so additive steps would be too slow at first and too coarse at the end; a multiplicative step is scale-free
/// and keeps λ positive. The clamp bounds each step to a factor of e^±γ (±2% at γ = 0.02), so a noisy or extreme batch cannot
/// throw λ far, and being integral it settles where the mean L0 equals the target (no steady-state error).
/// </remarks>
public sealed class SparsityController
{
    private readonly double _gain;

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
        double error = Math.Clamp(Math.Log(batchL0 / target), -1.0, 1.0);
        Coefficient *= Math.Exp(_gain * error);
    }
}
