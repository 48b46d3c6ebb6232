namespace ProbeMonitor.Model;

/// <summary>A model checkpoint (config or weights) that this engine cannot run, with a message naming the field or tensor.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
