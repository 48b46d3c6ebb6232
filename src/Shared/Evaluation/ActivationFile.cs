using System.Globalization;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;

namespace ProbeMonitor.Evaluation;

/// <summary>Reads the activation files <c>extract</c> writes: <c>blocks.L.hook_resid_post</c> [N, d] (or [N, T, d] with <c>lengths</c> [N]) and <c>labels</c> [N].</summary>
/// <remarks>Everything read is checked before use: labels must be 0/1, lengths within the padded length, and every
/// activation the protocols will see must be finite, so a bad file fails here with its name, tensor and row rather than
/// later as a meaningless AUC.</remarks>
public static class ActivationFile
{
    /// <summary>The labels tensor name.</summary>
    public const string LabelsTensor = "labels";

    /// <summary>The token-count tensor of <c>--pooling none</c> files.</summary>
    public const string LengthsTensor = "lengths";

    /// <summary>Loads and checks a file.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="key">The activation tensor; null picks the only <c>blocks.*</c> tensor in the file.</param>
    /// <param name="name">The dataset name for tables; null uses the file name.</param>
    /// <param name="pooling">For token files, how <see cref="ActivationSet.Features"/> are pooled (last, mean, max).</param>
    /// <exception cref="TensorFormatException">A tensor is missing, mis-shaped, of the wrong type, or holds bad values; the message names file, tensor and row.</exception>
    public static ActivationSet Load(string path, string? key = null, string? name = null, string pooling = "last")
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"activation file '{path}' does not exist.", path);
        string sha = Sha256Of(path);
        using var file = SafetensorsFile.Open(path);
        key ??= DetectKey(file);
        if (!file.Contains(key))
            throw new TensorFormatException(path, key, $"is not in the file (it holds {string.Join(", ", file.Tensors.Select(t => t.Name))})");
        var info = file.GetInfo(key);
        if (info.DType is not (DType.F32 or DType.F16 or DType.BF16))
            throw new TensorFormatException(path, key, $"has dtype {info.DType.SafetensorsName()}; activations must be F32, F16 or BF16");
        if (info.Shape.Length is not (2 or 3))
            throw new TensorFormatException(path, key, $"has shape {TensorShape.Format(info.Shape)}; expected [N, d] or [N, T, d]");
        long n = info.Shape[0], d = info.Shape[^1];
        if (n == 0) throw new TensorFormatException(path, key, "holds no examples (N = 0); the dataset is empty");
        if (d == 0 || (info.Shape.Length == 3 && info.Shape[1] == 0))
            throw new TensorFormatException(path, key, $"has shape {TensorShape.Format(info.Shape)}, with a zero dimension");
        if (n > int.MaxValue || d > int.MaxValue) throw new TensorFormatException(path, key, $"shape {TensorShape.Format(info.Shape)} is too large");

        var labels = ReadLabels(file, path, (int)n);
        var values = file.ReadSingles(key);
        var metadata = file.Metadata;
        string datasetName = name ?? System.IO.Path.GetFileNameWithoutExtension(path);
        if (info.Shape.Length == 2)
        {
            CheckFinite(values, (int)d, path, key);
            string filePooling = metadata.TryGetValue("pooling", out var p) ? p : "unknown";
            return new ActivationSet(datasetName, path, sha, key, values, labels, (int)d, filePooling, null, metadata);
        }

        int t = checked((int)info.Shape[1]);
        var lengths = ReadLengths(file, path, (int)n, t);
        var tokens = new TokenSequences(values, lengths, t, (int)d);
        for (int i = 0; i < tokens.Count; i++)
        {
            var seq = tokens.Sequence(i);
            if (TensorPrimitives.IsFiniteAll(seq)) continue;
            int at = IndexOfNonFinite(seq);
            throw new TensorFormatException(path, key,
                $"row {i}, token {at / (int)d}, element {at % (int)d} is {seq[at].ToString(CultureInfo.InvariantCulture)}; activations must be finite (no NaN or ∞)");
        }
        return new ActivationSet(datasetName, path, sha, key, tokens.Pool(pooling), labels, (int)d, pooling, tokens, metadata);
    }

    /// <summary>The layer L of a key <c>blocks.L.…</c>, or null.</summary>
    public static int? LayerOf(string key)
    {
        var parts = key.Split('.');
        return parts.Length >= 2 && parts[0] == "blocks" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int layer) ? layer : null;
    }

    /// <summary>SHA-256 of a file as lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string DetectKey(SafetensorsFile file)
    {
        var candidates = file.Tensors.Select(t => t.Name).Where(n => n.StartsWith("blocks.", StringComparison.Ordinal)).ToArray();
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new TensorFormatException(file.Path, null,
                $"holds no blocks.* activation tensor (tensors: {string.Join(", ", file.Tensors.Select(t => t.Name))}); pass --key"),
            _ => throw new TensorFormatException(file.Path, null, $"holds several activation tensors ({string.Join(", ", candidates)}); choose one with --key"),
        };
    }

    private static int[] ReadLabels(SafetensorsFile file, string path, int n)
    {
        if (!file.Contains(LabelsTensor))
            throw new TensorFormatException(path, LabelsTensor, "is missing; evaluation needs one 0/1 label per example");
        var info = file.GetInfo(LabelsTensor);
        if (info.DType is not (DType.I64 or DType.I32))
            throw new TensorFormatException(path, LabelsTensor, $"has dtype {info.DType.SafetensorsName()}; labels must be I64 or I32");
        if (info.Shape.Length != 1 || info.Shape[0] != n)
            throw new TensorFormatException(path, LabelsTensor, $"has shape {TensorShape.Format(info.Shape)} but the activations hold {n} examples");
        var raw = file.ReadInt64(LabelsTensor);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (raw[i] is not (0 or 1)) throw new TensorFormatException(path, LabelsTensor, $"[{i}] is {raw[i]}; labels must be 0 or 1");
            labels[i] = (int)raw[i];
        }
        return labels;
    }

    private static int[] ReadLengths(SafetensorsFile file, string path, int n, int maxTokens)
    {
        if (!file.Contains(LengthsTensor))
            throw new TensorFormatException(path, LengthsTensor, "is missing; [N, T, d] token activations need the tokens per example");
        var info = file.GetInfo(LengthsTensor);
        if (info.DType is not (DType.I64 or DType.I32) || info.Shape.Length != 1 || info.Shape[0] != n)
            throw new TensorFormatException(path, LengthsTensor, $"must be I64 or I32 of shape [{n}], got {info.DType.SafetensorsName()} {TensorShape.Format(info.Shape)}");
        var raw = file.ReadInt64(LengthsTensor);
        var lengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (raw[i] < 1 || raw[i] > maxTokens)
                throw new TensorFormatException(path, LengthsTensor, $"[{i}] is {raw[i]}; lengths must be in 1…{maxTokens} (the padded length)");
            lengths[i] = (int)raw[i];
        }
        return lengths;
    }

    private static void CheckFinite(float[] values, int d, string path, string key)
    {
        if (TensorPrimitives.IsFiniteAll<float>(values)) return;
        int at = IndexOfNonFinite(values);
        throw new TensorFormatException(path, key,
            $"row {at / d}, element {at % d} is {values[at].ToString(CultureInfo.InvariantCulture)}; activations must be finite (no NaN or ∞)");
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
