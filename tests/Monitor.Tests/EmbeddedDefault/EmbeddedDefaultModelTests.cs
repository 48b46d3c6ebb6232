using ProbeMonitor.Model;
using ProbeMonitor.Monitor.EmbeddedDefault;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.EmbeddedDefault;

/// <summary>The embedded default materialises the committed bytes, reuses and repairs its cache, and loads into the engine and tokenizer.</summary>
public sealed class EmbeddedDefaultModelTests : IDisposable
{
    private readonly string _cache = RepoPaths.NewTempDir("pm-embedded");

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static string SourceAssets => Path.Combine(RepoPaths.Root, "src", "Monitor", EmbeddedDefaultModel.AssetsFolder);

    [Fact]
    public void The_build_copies_the_assets_beside_the_assembly_unchanged()
    {
        foreach (var name in new[] { "config.json", "tokenizer.json", EmbeddedCheckpoint.FileName })
            Assert.Equal(File.ReadAllBytes(Path.Combine(SourceAssets, name)), File.ReadAllBytes(Path.Combine(EmbeddedDefaultModel.DefaultAssetsDirectory, name)));
        Assert.True(Directory.Exists(Path.Combine(EmbeddedDefaultModel.DefaultAssetsDirectory, EmbeddedDefaultModel.ProbesFolder)));
    }

    [Fact]
    public void Materialising_twice_gives_the_committed_hash_and_identical_bytes_and_reuses_the_cache()
    {
        var spec = EmbeddedCheckpoint.Load(Path.Combine(SourceAssets, EmbeddedCheckpoint.FileName));
        var first = EmbeddedDefaultModel.Materialize(Path.Combine(_cache, "a"));
        var second = EmbeddedDefaultModel.Materialize(Path.Combine(_cache, "b"));
        string model = Path.Combine(first.ModelDirectory, GemmaCheckpoint.SingleFileName);
        Assert.Equal(spec.ModelSha256, EmbeddedDefaultModel.Sha256Of(model));
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(Path.Combine(second.ModelDirectory, GemmaCheckpoint.SingleFileName)));
        Assert.Equal(EmbeddedDefaultModel.ModelId, first.ModelId);
        Assert.Equal(spec.HookLayer, first.HookLayer);
        Assert.Equal(File.ReadAllBytes(Path.Combine(SourceAssets, "config.json")), File.ReadAllBytes(Path.Combine(first.ModelDirectory, "config.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(SourceAssets, "tokenizer.json")), File.ReadAllBytes(first.TokenizerPath));

        var written = File.GetLastWriteTimeUtc(model);
        var again = EmbeddedDefaultModel.Materialize(Path.Combine(_cache, "a"));
        Assert.Equal(first, again);
        Assert.Equal(written, File.GetLastWriteTimeUtc(model));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_cache, "a"), ".staging-*"));
    }

    [Fact]
    public void A_damaged_cached_copy_is_regenerated()
    {
        var first = EmbeddedDefaultModel.Materialize(_cache);
        string model = Path.Combine(first.ModelDirectory, GemmaCheckpoint.SingleFileName);
        using (var stream = File.OpenWrite(model)) stream.SetLength(1000);
        var repaired = EmbeddedDefaultModel.Materialize(_cache);
        Assert.Equal(first.ModelSha256, EmbeddedDefaultModel.Sha256Of(Path.Combine(repaired.ModelDirectory, GemmaCheckpoint.SingleFileName)));
    }

    [Fact]
    public void A_hash_that_does_not_match_the_generated_weights_is_a_clear_error_and_leaves_nothing()
    {
        string assets = Path.Combine(_cache, "assets");
        Directory.CreateDirectory(Path.Combine(assets, EmbeddedDefaultModel.ProbesFolder));
        foreach (var name in new[] { "config.json", "tokenizer.json" }) File.Copy(Path.Combine(SourceAssets, name), Path.Combine(assets, name));
        string wrong = new('0', 64);
        File.WriteAllText(Path.Combine(assets, EmbeddedCheckpoint.FileName),
            File.ReadAllText(Path.Combine(SourceAssets, EmbeddedCheckpoint.FileName)).Replace(
                EmbeddedCheckpoint.Load(Path.Combine(SourceAssets, EmbeddedCheckpoint.FileName)).ModelSha256, wrong));
        string root = Path.Combine(_cache, "models");
        var e = Assert.Throws<InvalidDataException>(() => EmbeddedDefaultModel.Materialize(root, assets));
        Assert.Contains(wrong, e.Message);
        Assert.Contains("SHA-256", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(root));

        File.Delete(Path.Combine(assets, "tokenizer.json"));
        Assert.Contains("tokenizer.json", Assert.Throws<FileNotFoundException>(() => EmbeddedDefaultModel.Materialize(root, assets)).Message);
    }

    [Fact]
    public void The_engine_and_the_tokenizer_load_it_and_a_chat_prompt_runs_to_the_hook_layer()
    {
        var embedded = EmbeddedDefaultModel.Materialize(_cache);
        var tokenizer = GemmaTokenizer.Load(embedded.TokenizerPath);
        using var model = GemmaModel.Load(embedded.ModelDirectory, maxLayer: embedded.HookLayer);
        Assert.Equal(model.Config.VocabSize, tokenizer.VocabSize);
        Assert.Equal(embedded.HookLayer + 1, model.LoadedLayers);
        Assert.Equal(256, model.Config.HiddenSize);

        const string question = "Context: The Normans gave their name to Normandy.\n\nQuestion: Who gave their name to Normandy?";
        var ids = tokenizer.EncodeChat([new ChatMessage("user", question)]);
        Assert.Equal(question, tokenizer.Decode(tokenizer.Encode(question, addBos: false)));
        Assert.DoesNotContain(tokenizer.UnkId, ids);
        Assert.True(ids.Length < 40, $"{ids.Length} tokens: the project tokenizer should spell plain English in words");

        var acts = model.ResidualStream([ids], [embedded.HookLayer], Pooling.Last).Get(embedded.HookLayer, 0).ToArray();
        Assert.Equal(256, acts.Length);
        Assert.All(acts, v => Assert.True(float.IsFinite(v)));
        Assert.True(acts.Sum(v => (double)v * v) > 0);
    }
}
