namespace ProbeMonitor.Evaluation;

/// <summary>Collects a protocol run's warnings (kept for results.json and report.md) and writes progress lines.</summary>
public sealed class EvaluationLog(TextWriter? progress = null)
{
    private readonly List<string> _warnings = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>Warnings in the order they were raised, each once.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Records a warning (duplicates are kept once) and echoes it to the progress writer.</summary>
    public void Warn(string message)
    {
        lock (_warnings)
        {
            if (!_seen.Add(message)) return;
            _warnings.Add(message);
        }
        progress?.WriteLine($"warning: {message}");
    }

    /// <summary>Writes a progress line.</summary>
    public void Info(string message) => progress?.WriteLine(message);
}
