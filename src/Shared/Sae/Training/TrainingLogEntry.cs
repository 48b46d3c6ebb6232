namespace ProbeMonitor.Sae.Training;

/// <summary>Training progress averaged over one log interval; one line of training_log.jsonl.</summary>
/// <param name="Step">Last step of the interval (1-based).</param>
/// <param name="Tokens">Tokens trained on so far.</param>
/// <param name="Loss">Mean total loss.</param>
/// <param name="Mse">Mean reconstruction term.</param>
/// <param name="SparsityLoss">Mean λ·L1 or λ·L0 term.</param>
/// <param name="AuxLoss">Mean AuxK term.</param>
/// <param name="Fvu">Mean batch fraction of variance unexplained.</param>
/// <param name="L0">Mean active latents per token.</param>
/// <param name="DeadFraction">Latents dead (no fire in the dead window) at the interval's end.</param>
/// <param name="SparsityCoefficient">λ at the interval's end.</param>
/// <param name="ElapsedSeconds">Wall time since training started.</param>
public sealed record TrainingLogEntry(
    int Step, long Tokens, double Loss, double Mse, double SparsityLoss, double AuxLoss, double Fvu, double L0,
    double DeadFraction, double SparsityCoefficient, double ElapsedSeconds)
{
    /// <summary>A one-line human summary for stderr.</summary>
    public string Describe() => FormattableString.Invariant(
        $"step {Step,6}  tokens {Tokens,10}  loss {Loss,10:G5}  mse {Mse,10:G5}  fvu {Fvu,7:F4}  L0 {L0,8:F2}  dead {DeadFraction,6:P1}  λ {SparsityCoefficient:G4}  {ElapsedSeconds,7:F1}s");
}
