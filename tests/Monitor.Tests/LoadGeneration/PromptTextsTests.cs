using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Protocol;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

public sealed class PromptTextsTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-prompts");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void The_built_in_set_is_seeded()
    {
        var a = PromptTexts.BuiltIn(3);
        Assert.Equal(PromptTexts.BuiltInCount, a.Count);
        Assert.Equal(a, PromptTexts.BuiltIn(3));
        Assert.NotEqual(a, PromptTexts.BuiltIn(4));
        Assert.True(a.Distinct().Count() > PromptTexts.BuiltInCount / 2);
    }

    [Fact]
    public void Jsonl_lines_become_conversations_and_requests()
    {
        var path = Path.Combine(_dir, "p.jsonl");
        File.WriteAllLines(path,
        [
            """{"text": "hello there", "label": 1}""",
            "",
            """{"prompt": "second"}""",
            """{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "why?"}]}""",
        ]);
        var conversations = PromptTexts.ReadJsonl(path);
        Assert.Equal(3, conversations.Count);
        Assert.Equal([new ChatTurn("user", "hello there")], conversations[0]);
        Assert.Equal([new ChatTurn("system", "be brief"), new ChatTurn("user", "why?")], conversations[2]);

        var prompts = RequestSet.Texts(conversations, LoadMode.Prompt);
        Assert.Equal(("hello there", "be brief\nwhy?"), (prompts[0].Prompt, prompts[2].Prompt));
        Assert.Equal("hello there", prompts[3].Prompt); // cycles
        var chats = RequestSet.Texts(conversations, LoadMode.Chat);
        Assert.Equal(ScoreRequest.InputOneofCase.Chat, chats[2].InputCase);
        Assert.Equal(["system", "user"], chats[2].Chat.Messages.Select(m => m.Role));
    }

    [Theory]
    [InlineData("""{"text": 3}""", "\"text\" must be a string")]
    [InlineData("""{"other": "x"}""", "expected \"text\", \"prompt\" or \"messages\"")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"text": "unterminated""", "line 2")]
    public void Bad_lines_are_named(string line, string message)
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllLines(path, ["""{"text": "fine"}""", line]);
        var e = Assert.Throws<FormatException>(() => PromptTexts.ReadJsonl(path));
        Assert.Contains("line 2", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Activation_requests_hold_seeded_vectors_of_the_width()
    {
        var set = RequestSet.Activations(5, 7, seed: 2);
        Assert.Equal(RequestSet.ActivationVectors, set.Count);
        var a = set[0].Activations;
        Assert.Equal((20, 7, Activations.Types.Pooling.None), (a.Data.Length, a.Layer, a.Pooling));
        Assert.Equal([5L], a.Shape);
        Assert.Equal(a.Data, RequestSet.Activations(5, 7, seed: 2)[0].Activations.Data);
        Assert.NotEqual(a.Data, set[1].Activations.Data);
    }
}
