namespace ProbeMonitor.Monitor.Inference;

/// <summary>The model named by <c>--model DIR</c> (or its tokenizer) cannot be loaded; the message names the directory or file and the problem.</summary>
/// <remarks>Thrown at start-up, from <see cref="Hosting.MonitorApp.Build"/>: a sidecar asked to serve a model it cannot read
/// must not start and quietly refuse text requests.</remarks>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ModelLoadException(string message, Exception inner) : base(message, inner) { }
}
