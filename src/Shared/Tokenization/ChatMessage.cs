namespace ProbeMonitor.Tokenization;

/// <summary>One turn of a chat: <see cref="Role"/> is "user", "model" (or its alias "assistant"), or "system" for the first message only.</summary>
public sealed record ChatMessage(string Role, string Content);
