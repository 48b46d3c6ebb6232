using ProbeMonitor.Evaluation;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.TestSupport;
using Xunit;
using static ProbeMonitor.Shared.Tests.Evaluation.SyntheticEvaluationData;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class ActivationFileTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-actfile");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Pooled_file_loads_rows_labels_layer_and_hash()
    {
        var (x, y) = Pooled(20, 1, seed: 1);
        var path = WritePooled(Path.Combine(_dir, "a.safetensors"), x, y);
        var set = ActivationFile.Load(path);
        Assert.Equal((20, Dim, Key, "a", "last", 6), (set.Rows, set.Dim, set.Key, set.Name, set.Pooling, set.Layer));
        Assert.Equal(x, set.Features);
        Assert.Equal(y, set.Labels);
        Assert.Null(set.Tokens);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), set.Sha256);
    }

    [Fact]
    public void Token_file_pools_last_mean_and_max_like_a_naive_loop_over_the_unpadded_tokens()
    {
        const int t = 5;
        var (values, lengths, y) = Tokens(12, t, 2, seed: 3);
        var path = WriteTokens(Path.Combine(_dir, "tok.safetensors"), values, lengths, y, t);
        foreach (var pooling in new[] { "last", "mean", "max" })
        {
            var set = ActivationFile.Load(path, pooling: pooling);
            Assert.Equal(pooling, set.Pooling);
            for (int i = 0; i < 12; i++)
                for (int j = 0; j < Dim; j++)
                {
                    var column = Enumerable.Range(0, lengths[i]).Select(s => values[(i * t + s) * Dim + j]).ToArray();
                    double expected = pooling switch { "last" => column[^1], "mean" => column.Average(v => (double)v), _ => column.Max() };
                    Assert.Equal(expected, set.Features[i * Dim + j], 5);
                }
        }
    }

    [Fact]
    public void NaN_activation_is_refused_naming_file_tensor_row_and_element()
    {
        var (x, y) = Pooled(10, 1, seed: 1);
        x[3 * Dim + 5] = float.NaN;
        var path = WritePooled(Path.Combine(_dir, "nan.safetensors"), x, y);
        var e = Assert.Throws<TensorFormatException>(() => ActivationFile.Load(path));
        Assert.Contains("nan.safetensors", e.Message);
        Assert.Contains(Key, e.Message);
        Assert.Contains("row 3, element 5", e.Message);
    }

    [Fact]
    public void Empty_dataset_missing_labels_bad_labels_and_bad_lengths_are_refused()
    {
        var empty = Path.Combine(_dir, "empty.safetensors");
        SafetensorsWriter.Write(empty, [TensorToWrite.Singles(Key, [], 0, Dim), TensorToWrite.Int64("labels", [], 0)]);
        Assert.Contains("empty", Assert.Throws<TensorFormatException>(() => ActivationFile.Load(empty)).Message);

        var noLabels = Path.Combine(_dir, "nolabels.safetensors");
        SafetensorsWriter.Write(noLabels, [TensorToWrite.Singles(Key, new float[2 * Dim], 2, Dim)]);
        Assert.Contains("labels", Assert.Throws<TensorFormatException>(() => ActivationFile.Load(noLabels)).Message);

        var badLabels = Path.Combine(_dir, "badlabels.safetensors");
        SafetensorsWriter.Write(badLabels, [TensorToWrite.Singles(Key, new float[2 * Dim], 2, Dim), TensorToWrite.Int64("labels", [0, 2], 2)]);
        Assert.Contains("[1] is 2", Assert.Throws<TensorFormatException>(() => ActivationFile.Load(badLabels)).Message);

        var badLengths = Path.Combine(_dir, "badlengths.safetensors");
        SafetensorsWriter.Write(badLengths, [TensorToWrite.Singles(Key, new float[2 * 3 * Dim], 2, 3, Dim),
            TensorToWrite.Int64("lengths", [3, 4], 2), TensorToWrite.Int64("labels", [0, 1], 2)]);
        Assert.Contains("lengths", Assert.Throws<TensorFormatException>(() => ActivationFile.Load(badLengths)).Message);
    }

    [Fact]
    public void Key_must_be_given_when_the_file_holds_several_layers()
    {
        var path = Path.Combine(_dir, "two.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("blocks.1.hook_resid_post", new float[2 * 4], 2, 4),
            TensorToWrite.Singles("blocks.2.hook_resid_post", new float[2 * 4], 2, 4), TensorToWrite.Int64("labels", [0, 1], 2)]);
        Assert.Contains("--key", Assert.Throws<TensorFormatException>(() => ActivationFile.Load(path)).Message);
        Assert.Equal(2, ActivationFile.Load(path, "blocks.2.hook_resid_post").Layer);
        Assert.Contains("blocks.9", Assert.Throws<TensorFormatException>(() => ActivationFile.Load(path, "blocks.9.hook_resid_post")).Message);
    }
}
