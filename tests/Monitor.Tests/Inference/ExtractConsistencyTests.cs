using System.Text.Json;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Monitor.Caching;
using ProbeMonitor.Monitor.Tests.Services;
using ProbeMonitor.Protocol;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Commands;
using Xunit;
using BundlePooling = ProbeMonitor.Probes.Bundles.Pooling;
using WireChatMessage = ProbeMonitor.Protocol.ChatMessage;

namespace ProbeMonitor.Monitor.Tests.Inference;

/// <summary>What the sidecar serves is what the Trainer trained on: a <c>prompt</c> request's activations are bit for bit those of
/// <c>extract</c>, and a one-turn <c>chat</c> request's those of <c>extract --chat-template</c>, for last and mean pooling.</summary>
/// <remarks>The served activations are read back from the sidecar's activation cache, under the token ids the Trainer's own
/// encoder gives, so a different tokenization or template would miss there as well as differ.</remarks>
public sealed class ExtractConsistencyTests
{
    [Fact]
    public async Task Prompt_and_chat_requests_get_the_activations_extract_computes_with_the_tiny_tokenizer()
    {
        using var tiny = new TinyGemmaServing();
        await CheckAsync(tiny, ["ab abc", "bad cab?"]);
    }

    [SharedDataFact("models/gemma2-tokenizer/tokenizer.json")]
    public async Task Prompt_and_chat_requests_get_the_activations_extract_computes_with_the_gemma_tokenizer()
    {
        using var tiny = new TinyGemmaServing(realTokenizer: true);
        await CheckAsync(tiny, ["Is this answerable?", "  The capital of France is Paris. <end_of_turn> ok\n"]);
    }

    private static async Task CheckAsync(TinyGemmaServing tiny, string[] texts)
    {
        await using var sidecar = await Sidecar.StartAsync(tiny.ProbesDir, ["--model", tiny.ModelDir, "--tokenizer", tiny.TokenizerPath]);
        var cache = (ActivationCache)sidecar.Services.GetService(typeof(ActivationCache))!;
        foreach (var chat in new[] { false, true })
        {
            var encode = TextEncoder.Create(tiny.TokenizerPath, chat)!;
            foreach (var (pooling, probeId) in new[] { (BundlePooling.Last, TinyGemmaServing.LastId), (BundlePooling.Mean, TinyGemmaServing.MeanId) })
            {
                var extracted = Extract(tiny, texts, pooling, chat);
                for (int i = 0; i < texts.Length; i++)
                {
                    var request = new ScoreRequest { ProbeIds = { probeId } };
                    if (chat) request.Chat = new ChatMessages { Messages = { new WireChatMessage { Role = "user", Content = texts[i] } } };
                    else request.Prompt = texts[i];
                    var response = await sidecar.ScoreAsync(request);

                    var expected = extracted.AsSpan(i * TinyGemmaServing.D, TinyGemmaServing.D).ToArray();
                    var key = ActivationCacheKey.Create(TinyGemmaServing.ModelId, TinyGemmaServing.Layer, pooling, encode(texts[i]));
                    Assert.True(cache.TryGet(key, out var served), $"text {i} (chat {chat}, {pooling}) is not cached under the ids extract uses");
                    Assert.Equal(expected, served.ToArray());
                    double probability = pooling == BundlePooling.Last ? tiny.LastProbability(expected) : tiny.MeanProbability(expected);
                    Assert.Equal(probability, Assert.Single(response.Scores).Probability, 1e-6);
                }
            }
        }
    }

    /// <summary>Runs the Trainer's extract verb in-process and returns blocks.L.hook_resid_post, [texts, d].</summary>
    private static float[] Extract(TinyGemmaServing tiny, string[] texts, BundlePooling pooling, bool chat)
    {
        var name = $"extract-{pooling}-{(chat ? "chat" : "plain")}";
        string input = Path.Combine(tiny.Root, name + ".jsonl"), output = Path.Combine(tiny.Root, name + ".safetensors");
        File.WriteAllLines(input, texts.Select(t => JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = t })));
        string[] args =
        [
            "extract", "--model", tiny.ModelDir, "--input", input, "--layers", TinyGemmaServing.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--pooling", pooling.ToString().ToLowerInvariant(), "--batch-size", "1", "--tokenizer", tiny.TokenizerPath, "--out", output,
            .. chat ? new[] { "--chat-template" } : [],
        ];
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = TrainerCli.Build().Parse(args).Invoke();
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.True(code == 0, $"extract exited {code}: {error}");
        using var file = SafetensorsFile.Open(output);
        return file.ReadSingles($"blocks.{TinyGemmaServing.Layer}.hook_resid_post");
    }
}
