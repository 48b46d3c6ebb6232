using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Tokenization;

/// <summary>The rendered prompt text, checked against strings written out from Gemma's Jinja template by hand.</summary>
public sealed class ChatTemplateTests
{
    [Fact]
    public void One_user_turn_with_generation_prompt()
    {
        Assert.Equal("<bos><start_of_turn>user\nIs this answerable?<end_of_turn>\n<start_of_turn>model\n",
            ChatTemplate.Render([new ChatMessage("user", "Is this answerable?")], addGenerationPrompt: true));
        Assert.Equal("<bos><start_of_turn>user\nHi<end_of_turn>\n",
            ChatTemplate.Render([new ChatMessage("user", "Hi")], addGenerationPrompt: false));
    }

    [Fact]
    public void Multi_turn_maps_assistant_to_model_and_trims_content()
    {
        var text = ChatTemplate.Render(
        [
            new ChatMessage("user", "  Hello \n"),
            new ChatMessage("assistant", "Hi there."),
            new ChatMessage("user", "Why?"),
        ]);
        Assert.Equal(
            "<bos><start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\nHi there.<end_of_turn>\n" +
            "<start_of_turn>user\nWhy?<end_of_turn>\n<start_of_turn>model\n", text);
    }

    [Fact]
    public void System_message_is_prepended_to_the_first_user_turn()
    {
        var text = ChatTemplate.Render(
        [
            new ChatMessage("system", "Answer briefly."),
            new ChatMessage("user", "Capital of France?"),
            new ChatMessage("model", "Paris."),
            new ChatMessage("user", "And Spain?"),
        ], addGenerationPrompt: false);
        Assert.Equal(
            "<bos><start_of_turn>user\nAnswer briefly.\n\nCapital of France?<end_of_turn>\n" +
            "<start_of_turn>model\nParis.<end_of_turn>\n<start_of_turn>user\nAnd Spain?<end_of_turn>\n", text);
    }

    [Fact]
    public void No_messages_is_just_bos_and_the_prompt()
    {
        Assert.Equal("<bos><start_of_turn>model\n", ChatTemplate.Render([]));
    }

    [Theory]
    [InlineData(new[] { "model" }, "messages[0] has role 'model'")]
    [InlineData(new[] { "user", "user" }, "messages[1] has role 'user'")]
    [InlineData(new[] { "user", "system" }, "messages[1] has role 'system'")]
    [InlineData(new[] { "system" }, "system message must be followed")]
    [InlineData(new[] { "system", "model" }, "messages[1] has role 'model'")]
    [InlineData(new[] { "user", "tool" }, "unknown role 'tool'")]
    public void Bad_role_sequences_are_rejected_naming_the_message(string[] roles, string expected)
    {
        var messages = roles.Select(r => new ChatMessage(r, "x")).ToList();
        var ex = Assert.Throws<ArgumentException>(() => ChatTemplate.Render(messages));
        Assert.Contains(expected, ex.Message);
    }
}
