namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Activations that cannot be scored: wrong size, NaN/Inf, wrong layer or pooling (the transport maps this to INVALID_ARGUMENT).</summary>
public sealed class InvalidActivationsException(string message) : ArgumentException(message);
