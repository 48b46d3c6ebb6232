namespace ProbeMonitor.Trainer.Commands;

/// <summary>Text to token ids for `extract`: the Gemma tokenizer, optionally through the chat template.</summary>
public static class TextEncoder
{
    /// <summary>An encoder for <paramref name="tokenizerPath"/>, or null when none was given (token_ids inputs only).</summary>
    public static Func<string, int[]>? Create(string? tokenizerPath, bool chatTemplate)
    {
        if (tokenizerPath is null)
        {
            if (chatTemplate) throw new ArgumentException("--chat-template needs --tokenizer.");
            return null;
        }
        throw new InvalidOperationException("text input is not available in this build yet: the Gemma tokenizer has not landed; use token_ids inputs.");
    }
}
