namespace ProbeMonitor.Formats;

/// <summary>A tensor file (safetensors, .npy, .npz) is malformed or does not hold what the caller asked for.</summary>
/// <remarks>
/// <see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>: handlers of "could not read
/// the file" catch it too. Zip-level corruption inside .npz archives arrives wrapped in it, with the original as inner exception.
/// </remarks>
public sealed class TensorFormatException : IOException
{
    /// <summary>Wraps a complete message; prefer the structured constructor.</summary>
    public TensorFormatException(string message) : base(message) => Problem = message;

    /// <summary>Builds "file: tensor 'name': problem", leaving out the parts that are unknown.</summary>
    public TensorFormatException(string? filePath, string? tensorName, string problem, Exception? inner = null)
        : base(Compose(filePath, tensorName, problem), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor (or array, or header field owner), when the problem concerns one.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, without the file and tensor.</summary>
    public string Problem { get; }

    private static string Compose(string? filePath, string? tensorName, string problem)
    {
        var prefix = filePath is null ? "" : $"{filePath}: ";
        var tensor = tensorName is null ? "" : $"tensor '{tensorName}': ";
        return prefix + tensor + problem;
    }
}
