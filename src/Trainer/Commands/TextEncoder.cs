using ProbeMonitor.Tokenization;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>Text to token ids for `extract`: the Gemma tokenizer (with &lt;bos&gt;), optionally as a single user turn of the chat template.</summary>
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
        var tokenizer = GemmaTokenizer.Load(tokenizerPath);
        return chatTemplate
            ? text => tokenizer.EncodeConversation([new ChatMessage("user", text)])
            : text => tokenizer.Encode(text, addBos: true);
    }
}
