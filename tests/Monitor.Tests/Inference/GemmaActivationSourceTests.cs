using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Shared.Tests.Tokenization;
using Xunit;
using BundlePooling = ProbeMonitor.Probes.Bundles.Pooling;
using ModelPooling = ProbeMonitor.Model.Pooling;

namespace ProbeMonitor.Monitor.Tests.Inference;

/// <summary><see cref="GemmaActivationSource"/> over a random checkpoint and the hand-made tokenizer (no ../shared needed):
/// ids worked out by hand, activations against the engine's unpooled rows pooled naively, bad input and bad directories.</summary>
public sealed class GemmaActivationSourceTests : IDisposable
{
    private readonly TinyGemmaServing _tiny = new();

    public void Dispose() => _tiny.Dispose();

    [Fact]
    public void Text_is_tokenized_with_bos_and_a_chat_as_the_gemma_template_with_the_generation_prompt()
    {
        using var source = GemmaActivationSource.Load(_tiny.ModelDir);
        // "ab abc" → "ab▁abc" → a b ▁ a b c → (a b) → ab ▁ ab c → (▁ ab) → ab ▁ab c.
        Assert.Equal([2, 11, 12, 10], source.Tokenize("ab abc"));
        // <bos> <start_of_turn> u s e r \n ab <end_of_turn> \n <start_of_turn> m o d e l \n (letters d.. from id 28).
        Assert.Equal([2, 4, 45, 43, 29, 42, 6, 11, 5, 6, 4, 37, 39, 28, 29, 36, 6], source.ApplyChatTemplate([new ChatTurn("user", "ab")]));
        // After the model's turn there is no generation prompt; "assistant" is written "model".
        Assert.Equal([2, 4, 45, 43, 29, 42, 6, 9, 5, 6, 4, 37, 39, 28, 29, 36, 6, 10, 5, 6],
            source.ApplyChatTemplate([new ChatTurn("user", "b"), new ChatTurn("assistant", "c")]));
    }

    [Fact]
    public void Model_id_is_the_configured_one_else_name_or_path_else_the_directory_name()
    {
        using (var source = GemmaActivationSource.Load(_tiny.ModelDir))
            Assert.Equal(TinyGemmaServing.ModelId, source.ModelId);
        using (var source = GemmaActivationSource.Load(_tiny.ModelDir, modelId: "acme/other"))
            Assert.Equal("acme/other", source.ModelId);
        using var unnamed = new TinyGemmaServing(nameOrPath: null);
        using (var source = GemmaActivationSource.Load(unnamed.ModelDir + Path.DirectorySeparatorChar))
        {
            Assert.Equal("model", source.ModelId);
            Assert.Equal((TinyGemmaServing.D, TinyGemmaServing.Layers, TinyGemmaServing.MaxPositions),
                (source.DModel, source.LoadedLayers, source.MaxSequenceLength));
        }
    }

    [Fact]
    public async Task Every_pooling_asked_equals_the_engines_own_rows_pooled_naively()
    {
        using var source = GemmaActivationSource.Load(_tiny.ModelDir, maxLayer: TinyGemmaServing.Layer);
        Assert.Equal(TinyGemmaServing.Layer + 1, source.LoadedLayers);
        int[][] sequences = [[2, 8, 9, 10, 11], [2, 40], [2, 13, 13, 5, 60, 7, 7, 31, 1]];
        var result = await source.ForwardAsync(
            new ForwardBatch(sequences, TinyGemmaServing.Layer, [BundlePooling.Mean, BundlePooling.Last, BundlePooling.Max]), CancellationToken.None);
        Assert.Equal([BundlePooling.Last, BundlePooling.Mean, BundlePooling.Max], result.Pooled.Keys.Order());
        int d = TinyGemmaServing.D;
        for (int s = 0; s < sequences.Length; s++)
        {
            var rows = _tiny.Rows(sequences[s]);
            int t = sequences[s].Length;
            var max = Enumerable.Range(0, d).Select(i => Enumerable.Range(0, t).Max(r => rows[r * d + i])).ToArray();
            // Packed batch-mates change only the GEMMs' row counts: equal up to their rounding.
            AssertClose(_tiny.LastRow(sequences[s]), result.Pooled[BundlePooling.Last].AsSpan(s * d, d), $"last of {s}");
            AssertClose(_tiny.MeanRow(sequences[s]), result.Pooled[BundlePooling.Mean].AsSpan(s * d, d), $"mean of {s}");
            AssertClose(max, result.Pooled[BundlePooling.Max].AsSpan(s * d, d), $"max of {s}");
        }

        // One sequence, one pooling: the engine's own last-token pass, bit for bit.
        var alone = await source.ForwardAsync(new ForwardBatch([sequences[2]], TinyGemmaServing.Layer, [BundlePooling.Last]), CancellationToken.None);
        Assert.Equal(_tiny.Reference.ResidualStream([sequences[2]], [TinyGemmaServing.Layer], ModelPooling.Last).Get(TinyGemmaServing.Layer, 0),
            alone.Pooled[BundlePooling.Last]);
    }

    [Fact]
    public async Task A_layer_past_the_loaded_ones_loads_more_and_one_past_the_model_is_refused()
    {
        using var source = GemmaActivationSource.Load(_tiny.ModelDir, maxLayer: 0);
        Assert.Equal(1, source.LoadedLayers);
        int[] ids = [2, 8, 9, 33, 30];
        var result = await source.ForwardAsync(new ForwardBatch([ids], 2, [BundlePooling.Mean]), CancellationToken.None);
        Assert.Equal(3, source.LoadedLayers);
        Assert.Equal(_tiny.MeanRow(ids, 2), result.Pooled[BundlePooling.Mean]);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => source.ForwardAsync(new ForwardBatch([ids], 3, [BundlePooling.Last]), CancellationToken.None));
        Assert.Contains("layer 3 does not exist", e.Message);
        Assert.Contains("layers 0..2", e.Message);
    }

    [Fact]
    public async Task Bad_input_is_an_argument_exception_that_names_the_problem()
    {
        using var source = GemmaActivationSource.Load(_tiny.ModelDir);
        Assert.Contains("prompt is empty", Assert.Throws<ArgumentException>(() => source.Tokenize("")).Message);
        var longPrompt = Assert.Throws<ArgumentException>(() => source.Tokenize(string.Concat(Enumerable.Repeat("a b ", 40))));
        Assert.Contains("reads at most 64 (max_position_embeddings)", longPrompt.Message);
        Assert.Contains("unknown role 'robot'", Assert.Throws<ArgumentException>(() => source.ApplyChatTemplate([new ChatTurn("robot", "ab")])).Message);
        Assert.Contains("no messages", Assert.Throws<ArgumentException>(() => source.ApplyChatTemplate([])).Message);
        Assert.Contains("must alternate", Assert.Throws<ArgumentException>(() => source.ApplyChatTemplate([new ChatTurn("assistant", "ab")])).Message);

        Task Forward(params int[][] sequences) => source.ForwardAsync(new ForwardBatch(sequences, 1, [BundlePooling.Last]), CancellationToken.None);
        Assert.Contains("sequence 1 token 2 has id 64, outside the vocabulary [0, 64)",
            (await Assert.ThrowsAsync<ArgumentException>(() => Forward([2, 8], [2, 8, 64]))).Message);
        Assert.Contains("id -1", (await Assert.ThrowsAsync<ArgumentException>(() => Forward(new[] { 2, -1 }))).Message);
        Assert.Contains("sequence 0 has 65 tokens", (await Assert.ThrowsAsync<ArgumentException>(() => Forward(new int[65]))).Message);
        Assert.Contains("sequence 0 is empty", (await Assert.ThrowsAsync<ArgumentException>(() => Forward(Array.Empty<int>()))).Message);
        // 64 tokens is the limit, not past it.
        await Forward(Enumerable.Repeat(8, 64).ToArray());
    }

    [Fact]
    public void A_directory_without_config_weights_or_tokenizer_fails_to_load_naming_what_is_missing()
    {
        var missing = Path.Combine(_tiny.Root, "nowhere");
        Assert.Contains("does not exist", Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(missing)).Message);

        var dir = Path.Combine(_tiny.Root, "partial");
        Directory.CreateDirectory(dir);
        var noTokenizer = Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(dir)).Message;
        Assert.Contains("no tokenizer.json", noTokenizer);
        Assert.Contains("--tokenizer", noTokenizer);
        Assert.Contains($"the tokenizer '{Path.Combine(dir, "x.json")}' does not exist",
            Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(dir, Path.Combine(dir, "x.json"))).Message);

        File.Copy(_tiny.TokenizerPath, Path.Combine(dir, "tokenizer.json"));
        Assert.Contains("config.json", Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(dir)).Message);
        File.Copy(Path.Combine(_tiny.ModelDir, "config.json"), Path.Combine(dir, "config.json"));
        Assert.Contains("model.safetensors", Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(dir)).Message);

        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{ \"model\": 1 }");
        Assert.Contains("is unusable", Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(dir)).Message);

        // A tokenizer with more ids than the embedding has rows belongs to another model.
        var big = Path.Combine(_tiny.Root, "big-tokenizer.json");
        File.WriteAllText(big, TinyTokenizerFixture.Json(extraVocab: Enumerable.Range(0, 60).Select(i => $"w{i}")));
        var mismatch = Assert.Throws<ModelLoadException>(() => GemmaActivationSource.Load(_tiny.ModelDir, big)).Message;
        Assert.Contains("88 ids but the model's vocab_size is 64", mismatch);
    }

    [Fact]
    public void Tokenizing_from_many_threads_gives_what_one_thread_gives()
    {
        using var source = GemmaActivationSource.Load(_tiny.ModelDir);
        var texts = Enumerable.Range(0, 64).Select(i => string.Concat(Enumerable.Range(0, 1 + i % 7).Select(j => "abc fig why "[(i + j) % 12]))).ToArray();
        var expected = texts.Select(t => _tiny.Tokenizer.Encode(t)).ToArray();
        var prompts = new int[texts.Length][];
        var chats = new int[texts.Length][];
        Parallel.For(0, texts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int i = k % texts.Length;
            prompts[i] = source.Tokenize(texts[i]);
            chats[i] = source.ApplyChatTemplate([new ChatTurn("user", texts[i])]);
        });
        Assert.Equal(expected, prompts);
        Assert.Equal(texts.Select(t => _tiny.Tokenizer.EncodeConversation([new("user", t)])).ToArray(), chats);
    }

    [Fact]
    public void The_layers_to_load_come_from_readable_probe_manifests_of_this_model_only()
    {
        Assert.Equal(TinyGemmaServing.Layer, GemmaActivationSourceServiceCollectionExtensions.HighestProbeLayer(_tiny.ProbesDir, TinyGemmaServing.ModelId));
        Assert.Null(GemmaActivationSourceServiceCollectionExtensions.HighestProbeLayer(_tiny.ProbesDir, "acme/other"));
        Assert.Null(GemmaActivationSourceServiceCollectionExtensions.HighestProbeLayer(null, TinyGemmaServing.ModelId));
        Assert.Null(GemmaActivationSourceServiceCollectionExtensions.HighestProbeLayer(Path.Combine(_tiny.Root, "nowhere"), TinyGemmaServing.ModelId));

        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_tiny.ProbesDir, TinyGemmaServing.LastId, "manifest.json")))!;
        manifest["model"]!["layer"] = 2;
        foreach (var name in new[] { ".staging", "broken" })
        {
            Directory.CreateDirectory(Path.Combine(_tiny.ProbesDir, name));
            File.WriteAllText(Path.Combine(_tiny.ProbesDir, name, "manifest.json"), name == "broken" ? "{ not json" : manifest.ToJsonString());
        }
        // A staged (hidden) bundle and an unreadable one do not count.
        Assert.Equal(TinyGemmaServing.Layer, GemmaActivationSourceServiceCollectionExtensions.HighestProbeLayer(_tiny.ProbesDir, TinyGemmaServing.ModelId));
        Directory.CreateDirectory(Path.Combine(_tiny.ProbesDir, "deeper"));
        File.WriteAllText(Path.Combine(_tiny.ProbesDir, "deeper", "manifest.json"), manifest.ToJsonString());
        Assert.Equal(2, GemmaActivationSourceServiceCollectionExtensions.HighestProbeLayer(_tiny.ProbesDir, TinyGemmaServing.ModelId));
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * scale, $"{what}, element {i}: {actual[i]} vs {expected[i]}");
    }
}
