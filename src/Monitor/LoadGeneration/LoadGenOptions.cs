namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Settings of one load-generation run (the <c>loadgen</c> command's options).</summary>
public sealed record LoadGenOptions
{
    /// <summary>The sidecar's gRPC address, e.g. http://127.0.0.1:5006.</summary>
    public required Uri Target { get; init; }

    /// <summary>What each request carries.</summary>
    public LoadMode Mode { get; init; } = LoadMode.Activations;

    /// <summary>Unary Score calls or ScoreStream calls.</summary>
    public RpcKind Rpc { get; init; } = RpcKind.Unary;

    /// <summary>Workers: each keeps at most one unary call, or one stream, open at a time.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Requests per second over all workers (open loop); null runs closed loop, each worker as fast as answers come.</summary>
    public double? Rate { get; init; }

    /// <summary>How long requests are measured, after <see cref="Warmup"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long requests are sent but not counted before measuring starts.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Sent as <c>authorization: Bearer KEY</c> when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Activation width; null reads it from ListProbes.</summary>
    public int? DModel { get; init; }

    /// <summary>Layer stamped on activation requests; null reads it from ListProbes.</summary>
    public int? Layer { get; init; }

    /// <summary>JSONL texts for prompt/chat mode; null uses the built-in seeded set.</summary>
    public string? PromptsFile { get; init; }

    /// <summary>Seeds the activation vectors and the built-in prompts.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Closed-loop streams: requests each stream keeps in flight (open-loop streams send on schedule).</summary>
    public int StreamWindow { get; init; } = 16;

    /// <summary>Deadline of each unary call (and the slack given to a stream after the run ends).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings; the message names the option.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (Target.Scheme is not ("http" or "https")) throw new ArgumentException($"--target must be an http:// or https:// address, got '{Target}'.");
        if (Concurrency < 1) throw new ArgumentException($"--concurrency must be at least 1, got {Concurrency}.");
        if (Rate is { } r && !(r > 0 && double.IsFinite(r))) throw new ArgumentException($"--rate must be a positive number of requests per second, got {r}.");
        if (Duration <= TimeSpan.Zero) throw new ArgumentException($"--duration must be positive, got {Duration}.");
        if (Warmup < TimeSpan.Zero) throw new ArgumentException($"--warmup cannot be negative, got {Warmup}.");
        if (DModel is < 1) throw new ArgumentException($"--d-model must be positive, got {DModel}.");
        if (Layer is < 0) throw new ArgumentException($"--layer cannot be negative, got {Layer}.");
        if (StreamWindow < 1) throw new ArgumentException($"--window must be at least 1, got {StreamWindow}.");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException($"--timeout must be positive, got {Timeout}.");
        if (Mode == LoadMode.Activations && PromptsFile is not null) throw new ArgumentException("--prompts is for --mode prompt or chat, not activations.");
    }

    /// <summary>"closed loop" or "open loop at R/s", for reports.</summary>
    public string LoopDescription => Rate is { } r ? FormattableString.Invariant($"open loop at {r:0.###}/s") : "closed loop";
}
