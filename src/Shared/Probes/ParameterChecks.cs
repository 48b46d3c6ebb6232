namespace ProbeMonitor.Probes;

/// <summary>Construction-time checks of probe parameters, with messages that name the probe and the parameter.</summary>
internal static class ParameterChecks
{
    public static void Length(string probeId, string name, int actual, long expected)
    {
        if (actual != expected)
            throw new ArgumentException($"Probe '{probeId}': {name} has {actual} elements but {expected} are expected.", name);
    }

    public static void Finite(string probeId, string name, ReadOnlySpan<float> values)
    {
        int bad = ProbeInput.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException($"Probe '{probeId}': {name}[{bad}] is {values[bad]}; parameters must be finite.", name);
    }

    public static void Finite(string probeId, string name, float value)
    {
        if (!float.IsFinite(value))
            throw new ArgumentException($"Probe '{probeId}': {name} is {value}; parameters must be finite.", name);
    }

    public static void Positive(string probeId, string name, ReadOnlySpan<float> values)
    {
        Finite(probeId, name, values);
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] > 0f))
                throw new ArgumentException($"Probe '{probeId}': {name}[{i}] is {values[i]}; scales must be positive.", name);
    }

    public static void Id(string probeId)
    {
        if (string.IsNullOrWhiteSpace(probeId))
            throw new ArgumentException("A probe needs a non-empty id.", nameof(probeId));
    }

    public static void Dim(string probeId, int inputDim)
    {
        if (inputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"Probe '{probeId}': input dimension must be positive, got {inputDim}.");
    }
}
