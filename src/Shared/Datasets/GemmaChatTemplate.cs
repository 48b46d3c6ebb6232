using ProbeMonitor.Tokenization;

namespace ProbeMonitor.Datasets;

/// <summary>Gemma-2's chat format for one user turn followed by the opening of the model's turn, as dataset prompt text.</summary>
/// <remarks>
/// One definition of the format lives in <see cref="ChatTemplate"/>; this only drops its leading <c>&lt;bos&gt;</c>, because the
/// tokenizer adds BOS itself and writing it here as text would tokenize it twice.
/// </remarks>
public static class GemmaChatTemplate
{
    private const string Bos = "<bos>";

    /// <summary>"&lt;start_of_turn&gt;user\n{content}&lt;end_of_turn&gt;\n&lt;start_of_turn&gt;model\n" (content trimmed, as Gemma's template does).</summary>
    public static string UserTurn(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        string rendered = ChatTemplate.Render([new ChatMessage("user", content)], addGenerationPrompt: true);
        return rendered[Bos.Length..];
    }
}
