namespace ProbeMonitor.Sae.Training;

/// <summary>Tokens since each latent last fired; a latent is dead when that reaches the window (Gao et al. 2024).</summary>
/// <remarks>Every latent starts alive: nothing can be dead before a whole window of tokens has been seen.</remarks>
public sealed class DeadLatentTracker
{
    private readonly long[] _sinceFired;
    private readonly int[] _dead;

    /// <summary>A tracker for <paramref name="width"/> latents with a window of <paramref name="windowTokens"/> tokens.</summary>
    public DeadLatentTracker(int width, long windowTokens)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"dead-latent tracker: width must be positive, got {width}.");
        if (windowTokens <= 0) throw new ArgumentOutOfRangeException(nameof(windowTokens), $"dead-latent tracker: window must be positive, got {windowTokens}.");
        _sinceFired = new long[width];
        _dead = new int[width];
        WindowTokens = windowTokens;
    }

    /// <summary>The window, in tokens.</summary>
    public long WindowTokens { get; }

    /// <summary>Number of latents dead now.</summary>
    public int DeadCount { get; private set; }

    /// <summary>Dead latents, ascending.</summary>
    public ReadOnlySpan<int> DeadLatents => _dead.AsSpan(0, DeadCount);

    /// <summary>DeadCount / width.</summary>
    public double DeadFraction => (double)DeadCount / _sinceFired.Length;

    /// <summary>Tokens since latent j last fired.</summary>
    public long TokensSinceFired(int j) => _sinceFired[j];

    /// <summary>Records a batch of <paramref name="tokens"/> tokens in which exactly the latents in <paramref name="fired"/> fired.</summary>
    public void Record(ReadOnlySpan<int> fired, int tokens)
    {
        if (tokens < 0) throw new ArgumentOutOfRangeException(nameof(tokens), $"dead-latent tracker: tokens must be non-negative, got {tokens}.");
        for (int j = 0; j < _sinceFired.Length; j++) _sinceFired[j] += tokens;
        foreach (int j in fired) _sinceFired[j] = 0;
        int n = 0;
        for (int j = 0; j < _sinceFired.Length; j++)
            if (_sinceFired[j] >= WindowTokens) _dead[n++] = j;
        DeadCount = n;
    }
}
