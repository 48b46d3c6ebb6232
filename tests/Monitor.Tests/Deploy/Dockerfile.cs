using System.Text.Json;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Deploy;

/// <summary>One Dockerfile instruction: its keyword (upper case) and its arguments, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments of an exec-form instruction (a JSON array), e.g. CMD ["a", "b"]; <paramref name="after"/>
    /// skips a prefix such as HEALTHCHECK's options up to its own CMD.</summary>
    public string[] ExecForm(string? after = null)
    {
        var text = Arguments;
        if (after is not null)
        {
            int at = text.IndexOf(after, StringComparison.Ordinal);
            if (at < 0) throw new FormatException($"{Keyword} has no '{after}': {Arguments}");
            text = text[(at + after.Length)..];
        }
        return JsonSerializer.Deserialize<string[]>(text.Trim())
               ?? throw new FormatException($"{Keyword} is not in exec form: {Arguments}");
    }
}

/// <summary>Reads deploy/Dockerfile into instructions (no Docker needed); enough for checking what the image will be.</summary>
internal static class Dockerfile
{
    /// <summary>The Dockerfile's path under the repository root.</summary>
    public const string RelativePath = "deploy/Dockerfile";

    /// <summary>The instructions in order.</summary>
    public static List<DockerInstruction> Load()
    {
        var result = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(RepoPaths.Root, RelativePath)))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0)) continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var full = (pending + line).Trim();
            pending = "";
            if (full.Length == 0) continue;
            int space = full.IndexOf(' ');
            result.Add(new DockerInstruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }
        return result;
    }
}
