namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>What the load generator sends in each ScoreRequest.</summary>
public enum LoadMode
{
    /// <summary>Random F32 activation vectors of the probes' width, pooling NONE (no model needed on the server).</summary>
    Activations,

    /// <summary>Prompt text; the server tokenizes it and runs its model.</summary>
    Prompt,

    /// <summary>A one-turn (or file-given) chat; the server applies its chat template and runs its model.</summary>
    Chat,
}
