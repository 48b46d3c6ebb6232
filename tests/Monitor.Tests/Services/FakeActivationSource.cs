using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>A stand-in model for the <see cref="IActivationSource"/> seam: token id t embeds as <see cref="ServingBundles.Vector"/>(t),
/// so the last-token activation of a sequence is the vector of its last id. Ids ≥ 1000 are "outside the vocabulary".
/// Forward passes can be held at a gate to test queueing and deadlines.</summary>
internal sealed class FakeActivationSource : IActivationSource
{
    public const int Vocab = 1000;
    private int _forwardCalls, _sequences;

    public string ModelId => ServingBundles.Model;

    public int DModel => ServingBundles.D;

    /// <summary>When set, each forward pass waits for it (and <see cref="Entered"/> is released as it starts waiting).</summary>
    public SemaphoreSlim? Gate { get; set; }

    public SemaphoreSlim Entered { get; } = new(0);

    public int ForwardCalls => Volatile.Read(ref _forwardCalls);

    public int Sequences => Volatile.Read(ref _sequences);

    /// <summary>BOS (2) then one id per UTF-8 byte.</summary>
    public int[] Tokenize(string prompt) => [2, .. System.Text.Encoding.UTF8.GetBytes(prompt).Select(b => (int)b)];

    public int[] ApplyChatTemplate(IReadOnlyList<ChatTurn> messages)
    {
        if (messages.Any(m => m.Role is not ("user" or "assistant" or "system")))
            throw new ArgumentException($"unknown chat role '{messages.First(m => m.Role is not ("user" or "assistant" or "system")).Role}'");
        return Tokenize(string.Concat(messages.Select(m => $"<{m.Role}>{m.Content}")));
    }

    public async Task<ForwardResult> ForwardAsync(ForwardBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _forwardCalls);
        Interlocked.Add(ref _sequences, batch.Sequences.Count);
        if (Gate is { } gate)
        {
            Entered.Release();
            await gate.WaitAsync(cancellationToken);
        }
        foreach (var (s, i) in batch.Sequences.Select((s, i) => (s, i)))
        {
            var bad = Array.FindIndex(s, id => id >= Vocab);
            if (bad >= 0) throw new ArgumentException($"sequence {i} token {bad} has id {s[bad]}, outside the vocabulary [0, {Vocab}).");
        }
        var pooled = new Dictionary<Pooling, float[]>();
        foreach (var pooling in batch.Poolings)
        {
            var all = new float[batch.Sequences.Count * DModel];
            for (int i = 0; i < batch.Sequences.Count; i++)
            {
                var ids = batch.Sequences[i];
                var row = all.AsSpan(i * DModel, DModel);
                if (pooling == Pooling.Last) ServingBundles.Vector(ids[^1]).CopyTo(row);
                else
                    foreach (var id in ids)
                    {
                        var v = ServingBundles.Vector(id);
                        for (int j = 0; j < DModel; j++) row[j] = pooling == Pooling.Max ? Math.Max(row[j], v[j]) : row[j] + v[j] / ids.Length;
                    }
            }
            pooled[pooling] = all;
        }
        return new ForwardResult(pooled);
    }
}
