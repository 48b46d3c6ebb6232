using System.Numerics;

namespace ProbeMonitor.Sae.Training;

/// <summary>Picks the k largest positive pre-activations of a row, as TopK-then-ReLU does, returning their ids ascending.</summary>
/// <remarks>
/// Non-positive values are skipped up front: ReLU would zero them anyway, and a zero activation carries no gradient.
/// Ties go to the lower latent id, as in <see cref="LatentActivation.TopK"/>, so training and inference select alike.
/// </remarks>
internal static class TopKSelection
{
    /// <summary>Selects over the whole row; returns how many ids were written (≤ k).</summary>
    /// <remarks>
    /// Once the heap is full almost every value loses to its root, so the scan compares whole SIMD blocks against the
    /// root's value (0 while the heap fills: only positives count) and visits single elements only in blocks that beat it.
    /// </remarks>
    public static int SelectPositive(ReadOnlySpan<float> row, int k, Span<int> latents, Span<float> values)
    {
        var heap = latents[..k];
        int size = 0, j = 0;
        float bar = 0f;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j <= row.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                if (!Vector.GreaterThanAny(new Vector<float>(row[j..]), new Vector<float>(bar))) continue;
                for (int i = j; i < j + Vector<float>.Count; i++)
                    if (row[i] > bar)
                    {
                        Offer(row, i, heap, ref size);
                        if (size == heap.Length) bar = row[heap[0]];
                    }
            }
        }
        for (; j < row.Length; j++) Offer(row, j, heap, ref size);
        return Finish(row, heap, size, values);
    }

    /// <summary>Selects among <paramref name="candidates"/> (ascending ids) only; returns how many ids were written (≤ k).</summary>
    public static int SelectPositive(ReadOnlySpan<float> row, ReadOnlySpan<int> candidates, int k, Span<int> latents, Span<float> values)
    {
        var heap = latents[..k];
        int size = 0;
        foreach (int j in candidates) Offer(row, j, heap, ref size);
        return Finish(row, heap, size, values);
    }

    private static void Offer(ReadOnlySpan<float> row, int j, Span<int> heap, ref int size)
    {
        float v = row[j];
        if (!(v > 0f)) return;
        if (size < heap.Length)
        {
            heap[size] = j;
            SiftUp(heap, size++, row);
        }
        else if (v > row[heap[0]])
        {
            // Ids arrive ascending, so an equal value (a later, higher id) never displaces: ties keep the lower id.
            heap[0] = j;
            SiftDown(heap, size, row);
        }
    }

    private static int Finish(ReadOnlySpan<float> row, Span<int> heap, int size, Span<float> values)
    {
        heap[..size].Sort();
        for (int i = 0; i < size; i++) values[i] = row[heap[i]];
        return size;
    }

    // Weaker = smaller value, or equal value and larger id: the root is the first to be displaced.
    private static bool Weaker(int a, int b, ReadOnlySpan<float> row) => row[a] < row[b] || (row[a] == row[b] && a > b);

    private static void SiftUp(Span<int> heap, int i, ReadOnlySpan<float> row)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Weaker(heap[i], heap[parent], row)) return;
            (heap[i], heap[parent]) = (heap[parent], heap[i]);
            i = parent;
        }
    }

    private static void SiftDown(Span<int> heap, int size, ReadOnlySpan<float> row)
    {
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, weakest = i;
            if (l < size && Weaker(heap[l], heap[weakest], row)) weakest = l;
            if (r < size && Weaker(heap[r], heap[weakest], row)) weakest = r;
            if (weakest == i) return;
            (heap[i], heap[weakest]) = (heap[weakest], heap[i]);
            i = weakest;
        }
    }
}
