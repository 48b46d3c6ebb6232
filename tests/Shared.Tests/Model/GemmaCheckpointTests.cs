using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Model;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Model;

public sealed class GemmaCheckpointTests
{
    [Fact]
    public void Random_checkpoints_are_deterministic_per_seed_and_keep_16_bit_weights_16_bit()
    {
        var config = TinyGemma.Config(layers: 2);
        string a = TinyGemma.Write(config, WeightPrecision.BF16, seed: 3), b = TinyGemma.Write(config, WeightPrecision.BF16, seed: 3);
        string c = TinyGemma.Write(config, WeightPrecision.BF16, seed: 4);
        try
        {
            var bytesA = File.ReadAllBytes(Path.Combine(a, "model.safetensors"));
            Assert.Equal(bytesA, File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
            Assert.NotEqual(bytesA, File.ReadAllBytes(Path.Combine(c, "model.safetensors")));

            using var checkpoint = GemmaCheckpoint.Open(a);
            var up = checkpoint.Tensors["model.layers.1.mlp.up_proj.weight"];
            Assert.Equal(WeightPrecision.BF16, up.Precision);
            Assert.Equal([96, 64], up.Shape);
            // Spread of the initialiser, measured: normal(0, initializer_range).
            var values = up.ToSingles();
            double std = Math.Sqrt(values.Select(v => (double)v * v).Average());
            Assert.InRange(std, 0.27, 0.33);
        }
        finally
        {
            TinyGemma.Delete(a); TinyGemma.Delete(b); TinyGemma.Delete(c);
        }
    }

    [Fact]
    public void Missing_extra_misshapen_and_badly_typed_tensors_are_named()
    {
        var config = TinyGemma.Config(layers: 2);
        AssertRejected(config, t => t.Where(x => x.Name != "model.layers.1.mlp.down_proj.weight"), "model.layers.1.mlp.down_proj.weight", "missing");
        AssertRejected(config, t => t.Append(TensorToWrite.Singles("model.layers.0.self_attn.q_proj.bias", new float[96], 96)), "q_proj.bias", "unexpected");
        AssertRejected(config, t => t.Select(x => x.Name == "model.layers.0.self_attn.k_proj.weight" ? TensorToWrite.Singles(x.Name, new float[64 * 64], 64, 64) : x),
            "model.layers.0.self_attn.k_proj.weight", "[48, 64]");
        AssertRejected(config, t => t.Select(x => x.Name == "model.norm.weight" ? TensorToWrite.Int64(x.Name, new long[64], 64) : x), "model.norm.weight", "I64");
    }

    [Fact]
    public void A_directory_without_weights_or_config_is_named()
    {
        var dir = ProbeMonitor.TestSupport.RepoPaths.NewTempDir("pm-gemma");
        try
        {
            Assert.Contains("config.json", Assert.Throws<ModelFormatException>(() => GemmaCheckpoint.Open(dir)).Message);
            File.WriteAllText(Path.Combine(dir, "config.json"), TinyGemma.Config().ToJson());
            Assert.Contains("model.safetensors", Assert.Throws<ModelFormatException>(() => GemmaCheckpoint.Open(dir)).Message);
            Assert.Contains("does not exist", Assert.Throws<ModelFormatException>(() => GemmaCheckpoint.Open(Path.Combine(dir, "nope"))).Message);
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }

    [Fact]
    public void Sharded_checkpoints_load_through_the_index_and_match_the_single_file()
    {
        var config = TinyGemma.Config(layers: 2);
        string single = TinyGemma.Write(config, WeightPrecision.F32);
        string sharded = ProbeMonitor.TestSupport.RepoPaths.NewTempDir("pm-gemma");
        try
        {
            var all = ReadAll(single);
            File.Copy(Path.Combine(single, "config.json"), Path.Combine(sharded, "config.json"));
            var first = all.Where(t => t.Name.StartsWith("model.layers.0.", StringComparison.Ordinal)).ToList();
            var rest = all.Except(first).ToList();
            SafetensorsWriter.Write(Path.Combine(sharded, "model-00001-of-00002.safetensors"), first);
            SafetensorsWriter.Write(Path.Combine(sharded, "model-00002-of-00002.safetensors"), rest);
            var map = first.Select(t => $"\"{t.Name}\": \"model-00001-of-00002.safetensors\"")
                .Concat(rest.Select(t => $"\"{t.Name}\": \"model-00002-of-00002.safetensors\""));
            File.WriteAllText(Path.Combine(sharded, "model.safetensors.index.json"), $"{{\"metadata\": {{}}, \"weight_map\": {{{string.Join(", ", map)}}}}}");

            var tokens = TinyGemma.Sequences(config.VocabSize, 9, 4);
            using var a = GemmaModel.Load(single);
            using var b = GemmaModel.Load(sharded);
            Assert.Equal(a.Logits(tokens)[0], b.Logits(tokens)[0]);

            File.WriteAllText(Path.Combine(sharded, "model.safetensors.index.json"), "{\"weight_map\": {\"model.norm.weight\": \"../evil.safetensors\"}}");
            Assert.Contains("plain file name", Assert.Throws<ModelFormatException>(() => GemmaCheckpoint.Open(sharded)).Message);
        }
        finally
        {
            TinyGemma.Delete(single); TinyGemma.Delete(sharded);
        }
    }

    private static List<TensorToWrite> ReadAll(string dir)
    {
        using var file = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors"));
        return file.Tensors.Select(t => TensorToWrite.Singles(t.Name, file.GetSingles(t.Name), t.Shape)).ToList();
    }

    private static void AssertRejected(GemmaConfig config, Func<IEnumerable<TensorToWrite>, IEnumerable<TensorToWrite>> edit, string tensor, string problem)
    {
        string dir = TinyGemma.Write(config, WeightPrecision.F32);
        try
        {
            var tensors = edit(ReadAll(dir)).ToList();
            SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), tensors);
            var e = Assert.Throws<ModelFormatException>(() => GemmaModel.Load(dir).Dispose());
            Assert.Contains(tensor, e.Message);
            Assert.Contains(problem, e.Message);
        }
        finally
        {
            TinyGemma.Delete(dir);
        }
    }
}
