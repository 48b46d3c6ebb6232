namespace ProbeMonitor.Sae;

/// <summary>The activation functions, applied in place to one row of pre-activations.</summary>
/// <remarks>Pure functions over spans so that the dense, sparse and subset paths share one definition.</remarks>
public static class LatentActivation
{
    /// <summary>relu(pre) where pre &gt; 0.</summary>
    public static void Relu(Span<float> row)
    {
        for (int j = 0; j < row.Length; j++)
            if (!(row[j] > 0f)) row[j] = 0f;
    }

    /// <summary>relu(pre) · [pre &gt; threshold]: a latent exactly at its threshold does not fire (Gemma Scope).</summary>
    public static void JumpRelu(Span<float> row, ReadOnlySpan<float> threshold)
    {
        if (threshold.Length != row.Length)
            throw new ArgumentException($"JumpReLU: row has {row.Length} latents but threshold has {threshold.Length}.");
        for (int j = 0; j < row.Length; j++)
        {
            float v = row[j];
            if (!(v > threshold[j] && v > 0f)) row[j] = 0f;
        }
    }

    /// <summary>
    /// Keeps the <paramref name="k"/> largest pre-activations, applies ReLU to them and zeroes the rest.
    /// Ties at the k-th value go to the lower latent id, so the result is deterministic.
    /// </summary>
    public static void TopK(Span<float> row, int k)
    {
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), $"TopK: k must be positive, got {k}.");
        if (k >= row.Length)
        {
            Relu(row);
            return;
        }
        // A size-k min-heap whose root is the weakest kept latent; weaker = smaller value, or equal value with larger id.
        // Scanning ids in ascending order, an equal value never displaces the root, which gives the low-id tie rule.
        Span<int> heap = k <= 1024 ? stackalloc int[k] : new int[k];
        for (int j = 0; j < k; j++)
        {
            heap[j] = j;
            SiftUp(heap, j, row);
        }
        for (int j = k; j < row.Length; j++)
        {
            if (!(row[j] > row[heap[0]])) continue;
            heap[0] = j;
            SiftDown(heap, 0, row);
        }
        Span<float> kept = k <= 1024 ? stackalloc float[k] : new float[k];
        for (int i = 0; i < k; i++) kept[i] = row[heap[i]];
        row.Clear();
        for (int i = 0; i < k; i++)
            if (kept[i] > 0f) row[heap[i]] = kept[i];
    }

    private static bool Weaker(int a, int b, ReadOnlySpan<float> row) =>
        row[a] < row[b] || (row[a] == row[b] && a > b);

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

    private static void SiftDown(Span<int> heap, int i, ReadOnlySpan<float> row)
    {
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, weakest = i;
            if (l < heap.Length && Weaker(heap[l], heap[weakest], row)) weakest = l;
            if (r < heap.Length && Weaker(heap[r], heap[weakest], row)) weakest = r;
            if (weakest == i) return;
            (heap[i], heap[weakest]) = (heap[weakest], heap[i]);
            i = weakest;
        }
    }
}
