using System.Text;

namespace ProbeMonitor.Tokenization;

/// <summary>Gemma's instruction chat format: &lt;bos&gt; then "&lt;start_of_turn&gt;ROLE\nCONTENT&lt;end_of_turn&gt;\n" per turn.</summary>
/// <remarks>
/// Follows the Jinja template shipped with Gemma-2 (tokenizer_config.json): roles alternate user, model, user, ...; "assistant" is
/// written "model"; content is trimmed. Gemma-2's own template rejects a "system" message; this one instead does what Gemma-3's
/// template does: the first message may be "system", and its content plus "\n\n" is put in front of the first user turn's content.
/// </remarks>
public static class ChatTemplate
{
    /// <summary>Renders messages as Gemma's prompt text; ends with "&lt;start_of_turn&gt;model\n" when <paramref name="addGenerationPrompt"/>.</summary>
    /// <exception cref="ArgumentException">Roles do not alternate user/model starting with user, a role is unknown, or a system message is misplaced or alone.</exception>
    public static string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder("<bos>");
        string prefix = "";
        int first = 0;
        if (messages.Count > 0 && messages[0].Role == "system")
        {
            if (messages.Count == 1) throw new ArgumentException("a system message must be followed by a user message", nameof(messages));
            prefix = Content(messages[0], 0) + "\n\n";
            first = 1;
        }
        for (int i = first; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"messages[{i}] is null", nameof(messages));
            bool userTurn = (i - first) % 2 == 0;
            string role = message.Role switch
            {
                "user" when userTurn => "user",
                "model" or "assistant" when !userTurn => "model",
                "user" or "model" or "assistant" or "system" => throw new ArgumentException(
                    $"messages[{i}] has role '{message.Role}' but roles must alternate user/model starting with user (a system message may only come first)", nameof(messages)),
                _ => throw new ArgumentException($"messages[{i}] has unknown role '{message.Role}' (use user, model, assistant or a leading system)", nameof(messages)),
            };
            sb.Append("<start_of_turn>").Append(role).Append('\n');
            if (i == first) sb.Append(prefix);
            sb.Append(Content(message, i).Trim()).Append("<end_of_turn>\n");
        }
        if (addGenerationPrompt) sb.Append("<start_of_turn>model\n");
        return sb.ToString();
    }

    private static string Content(ChatMessage message, int index) =>
        message.Content ?? throw new ArgumentException($"messages[{index}] has null content", "messages");
}
