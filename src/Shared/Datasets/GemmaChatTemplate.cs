namespace ProbeMonitor.Datasets;

/// <summary>Gemma-2's chat format for one user turn followed by the opening of the model's turn.</summary>
/// <remarks><c>&lt;bos&gt;</c> is not written: Gemma's tokenizer adds it, and writing it here as text would tokenize it twice.</remarks>
public static class GemmaChatTemplate
{
    /// <summary>"&lt;start_of_turn&gt;user\n{content}&lt;end_of_turn&gt;\n&lt;start_of_turn&gt;model\n".</summary>
    public static string UserTurn(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return $"<start_of_turn>user\n{content}<end_of_turn>\n<start_of_turn>model\n";
    }
}
