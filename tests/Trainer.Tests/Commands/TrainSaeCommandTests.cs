using System.CommandLine;
using System.Text.Json;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Sae;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Commands;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>The train-sae verb end to end on small files, and its refusals of bad input before any step.</summary>
public sealed class TrainSaeCommandTests : IDisposable
{
    private const string Key = "blocks.3.hook_resid_post";
    private readonly string _dir = RepoPaths.NewTempDir("pm-train-sae");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Trains_a_topk_SAE_and_writes_the_SAELens_folder_and_a_training_log()
    {
        var acts = WriteActivations("acts.safetensors", rows: 2048, dIn: 16);
        var outDir = Path.Combine(_dir, "topk");
        var (code, stdout, stderr) = Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "topk", "--width", "32", "--k", "4",
            "--steps", "60", "--batch", "64", "--lr", "0.003", "--seed", "1", "--log-every", "20", "--out", outDir);
        Assert.True(code == 0, stderr);
        var sae = SaeLensDirectory.Load(outDir);
        Assert.Equal((SaeArchitecture.TopK, 16, 32, 4), (sae.Config.Architecture, sae.DIn, sae.DSae, sae.Config.K));
        Assert.Equal(Key, sae.Config.HookName);
        Assert.Equal(3, sae.Config.HookLayer);
        Assert.Equal(ActivationNormalization.ExpectedAverageOnlyIn, sae.Config.NormalizeActivations);
        Assert.Equal("none", sae.Config.Extra["freeze_mode"]!.GetValue<string>());
        var lines = File.ReadAllLines(Path.Combine(outDir, TrainSaeCommand.LogFileName));
        Assert.Equal(3, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal(60, last.RootElement.GetProperty("step").GetInt32());
        Assert.Equal(60 * 64, last.RootElement.GetProperty("tokens").GetInt64());
        foreach (var field in new[] { "loss", "mse", "fvu", "l0", "dead_fraction", "aux_loss" })
            Assert.True(last.RootElement.TryGetProperty(field, out _), $"log line lacks {field}");
        Assert.Contains("step", stderr);
        Assert.Contains("saved", stdout);
    }

    [Theory]
    [InlineData("decoder")]
    [InlineData("soft-decoder")]
    [InlineData("encoder")]
    public void Baselines_train_to_the_same_format_and_record_their_freeze_mode(string freeze)
    {
        var acts = WriteActivations("acts.safetensors", rows: 512, dIn: 8);
        var outDir = Path.Combine(_dir, freeze);
        var (code, _, stderr) = Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "relu", "--width", "16", "--l1", "0.5",
            "--steps", "10", "--batch", "32", "--freeze", freeze, "--out", outDir);
        Assert.True(code == 0, stderr);
        var sae = SaeLensDirectory.Load(outDir);
        Assert.Equal(freeze, sae.Config.Extra["freeze_mode"]!.GetValue<string>());
        if (freeze == "soft-decoder") Assert.Equal(0.8, sae.Config.Extra["soft_decoder_min_cosine"]!.GetValue<double>());
    }

    [Fact]
    public void NaN_in_bfloat16_activations_is_refused_naming_the_tensor_and_element_before_any_output()
    {
        var data = Gaussian(256 * 8, 1);
        data[37 * 8 + 5] = float.NaN;
        var acts = Path.Combine(_dir, "nan.safetensors");
        SafetensorsWriter.Write(acts, [TensorToWrite.BFloat16(Key, data, 256, 8)]);
        var outDir = Path.Combine(_dir, "never");
        var (code, _, stderr) = Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "topk", "--width", "16", "--k", "2", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("NaN", stderr);
        Assert.Contains(Key, stderr);
        Assert.Contains("[37, 5]", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Infinity_in_float32_activations_is_refused()
    {
        var data = Gaussian(64 * 4, 2);
        data[10] = float.NegativeInfinity;
        var acts = Path.Combine(_dir, "inf.safetensors");
        SafetensorsWriter.Write(acts, [TensorToWrite.Singles(Key, data, 64, 4)]);
        var (code, _, stderr) = Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "topk", "--width", "8", "--k", "2", "--out", Path.Combine(_dir, "o"));
        Assert.Equal(1, code);
        Assert.Contains("-Inf", stderr);
    }

    [Fact]
    public void A_key_not_in_the_file_is_refused_naming_it_and_what_the_file_holds()
    {
        var acts = WriteActivations("acts.safetensors", rows: 64, dIn: 4);
        var (code, _, stderr) = Invoke("train-sae", "--acts", acts, "--key", "blocks.9.hook_resid_post", "--arch", "topk", "--width", "8", "--k", "2", "--out", Path.Combine(_dir, "o"));
        Assert.Equal(1, code);
        Assert.Contains("blocks.9.hook_resid_post", stderr);
        Assert.Contains(Key, stderr);
    }

    [Theory]
    [InlineData("0", "2", "--width")]
    [InlineData("-5", "2", "--width")]
    [InlineData("8", "9", "--k")]
    public void Bad_width_or_k_is_refused(string width, string k, string named)
    {
        var acts = WriteActivations("acts.safetensors", rows: 64, dIn: 4);
        var outDir = Path.Combine(_dir, "o");
        var (code, _, stderr) = Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "topk", "--width", width, "--k", k, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains(named, stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Resuming_on_activations_of_another_width_is_refused()
    {
        var first = WriteActivations("a8.safetensors", rows: 256, dIn: 8);
        var saeDir = Path.Combine(_dir, "first");
        Assert.Equal(0, Invoke("train-sae", "--acts", first, "--key", Key, "--arch", "topk", "--width", "16", "--k", "2", "--steps", "5", "--batch", "32", "--out", saeDir).Code);
        var other = WriteActivations("a6.safetensors", rows: 256, dIn: 6);
        var (code, _, stderr) = Invoke("train-sae", "--acts", other, "--key", Key, "--arch", "topk", "--width", "16", "--k", "2", "--steps", "5",
            "--resume", saeDir, "--out", Path.Combine(_dir, "second"));
        Assert.Equal(1, code);
        Assert.Contains("d_in = 8", stderr);
        Assert.Contains("d_in = 6", stderr);
    }

    [Fact]
    public void Resuming_on_matching_data_continues_from_the_saved_weights()
    {
        var acts = WriteActivations("acts.safetensors", rows: 512, dIn: 8);
        var saeDir = Path.Combine(_dir, "first");
        Assert.Equal(0, Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "topk", "--width", "16", "--k", "2", "--steps", "30", "--batch", "32", "--lr", "0.003", "--out", saeDir).Code);
        var before = SaeLensDirectory.Load(saeDir);
        var next = Path.Combine(_dir, "second");
        var (code, _, stderr) = Invoke("train-sae", "--acts", acts, "--key", Key, "--arch", "topk", "--width", "16", "--k", "2", "--steps", "1", "--batch", "32",
            "--lr", "1e-9", "--resume", saeDir, "--out", next);
        Assert.True(code == 0, stderr);
        var after = SaeLensDirectory.Load(next);
        Assert.Equal(before.Config.NormScalingFactor, after.Config.NormScalingFactor);
        // One step at a negligible learning rate: the weights are the resumed ones to float tolerance.
        var a = before.WDec.ToArray();
        var b = after.WDec.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
    }

    private string WriteActivations(string name, int rows, int dIn)
    {
        var path = Path.Combine(_dir, name);
        SafetensorsWriter.Write(path, [TensorToWrite.Singles(Key, Gaussian(rows * dIn, rows + dIn), rows, dIn)]);
        return path;
    }

    internal static float[] Gaussian(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) + (i % 3));
        return v;
    }

    internal static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainerCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }
}
