namespace ProbeMonitor.Datasets;

/// <summary>Settings of <see cref="EquationGenerator"/>.</summary>
/// <param name="Count">Number of problems; half (rounded down) unanswerable.</param>
/// <param name="Seed">Seed of the generator's <see cref="Random"/>.</param>
/// <param name="MinDefined">Fewest variables defined per problem.</param>
/// <param name="MaxDefined">Most variables defined per problem.</param>
/// <param name="MinOperands">Fewest variables in the expression.</param>
/// <param name="MaxOperands">Most variables in the expression.</param>
/// <param name="MaxValue">Values are drawn from 1…MaxValue.</param>
public sealed record EquationOptions(int Count = 1000, int Seed = 0, int MinDefined = 2, int MaxDefined = 4, int MinOperands = 2, int MaxOperands = 3, int MaxValue = 99)
{
    /// <summary>Throws when the settings cannot produce problems.</summary>
    public void Validate()
    {
        if (Count < 0) throw new ArgumentOutOfRangeException(nameof(Count), $"Count must be ≥ 0, got {Count}.");
        if (MinDefined < 1 || MaxDefined < MinDefined || MaxDefined > 12)
            throw new ArgumentOutOfRangeException(nameof(MinDefined), $"need 1 ≤ MinDefined ≤ MaxDefined ≤ 12, got {MinDefined}…{MaxDefined}.");
        if (MinOperands < 1 || MaxOperands < MinOperands) throw new ArgumentOutOfRangeException(nameof(MinOperands), $"need 1 ≤ MinOperands ≤ MaxOperands, got {MinOperands}…{MaxOperands}.");
        if (MaxValue < 1) throw new ArgumentOutOfRangeException(nameof(MaxValue), $"MaxValue must be ≥ 1, got {MaxValue}.");
    }
}
