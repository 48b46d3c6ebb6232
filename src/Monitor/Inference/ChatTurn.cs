namespace ProbeMonitor.Monitor.Inference;

/// <summary>One message of a conversation: "system", "user" or "assistant", and its text.</summary>
public sealed record ChatTurn(string Role, string Content);
