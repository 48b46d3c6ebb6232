using ProbeMonitor.Monitor.Batching;

namespace ProbeMonitor.Monitor.Services;

/// <summary>What admitting a unary <c>Score</c> call before reading its request gave it: a place held in the scoring queue, or
/// nothing. Disposing it gives back a place no request took.</summary>
public sealed class ScoreAdmission : IDisposable
{
    private ScoreAdmission(QueueSlot? slot) => Slot = slot;

    /// <summary>Admitted, with no place held.</summary>
    public static ScoreAdmission None { get; } = new(null);

    /// <summary>The scoring-queue place held for the request, if any.</summary>
    public QueueSlot? Slot { get; }

    /// <summary>Admitted with <paramref name="slot"/> held for the request.</summary>
    public static ScoreAdmission Holding(QueueSlot slot) => new(slot ?? throw new ArgumentNullException(nameof(slot)));

    /// <inheritdoc />
    public void Dispose() => Slot?.Dispose();
}
