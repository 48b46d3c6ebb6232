using System.Text.Json.Nodes;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Deploy;

/// <summary>Reads YAML files of the repository through PyYAML on Debian's python3 (safe_load_all) and hands them back as JSON.</summary>
internal static class YamlDocuments
{
    private const string Script = """
        import json, sys, yaml
        with open(sys.argv[1], encoding="utf-8") as f:
            json.dump(list(yaml.safe_load_all(f)), sys.stdout)
        """;

    /// <summary>Every document of the file at <paramref name="relativePath"/> (under the repository root).</summary>
    public static JsonArray LoadAll(string relativePath)
    {
        var path = Path.Combine(RepoPaths.Root, relativePath);
        var result = Peers.Run(Peers.DebianPython, ["-c", Script, path], null, TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"PyYAML could not read {relativePath}:\n{result.StdErr}");
        return JsonNode.Parse(result.StdOut)!.AsArray();
    }

    /// <summary>The single document of the file.</summary>
    public static JsonObject Load(string relativePath)
    {
        var all = LoadAll(relativePath);
        if (all.Count != 1) throw new InvalidOperationException($"{relativePath} holds {all.Count} YAML documents, expected one");
        return all[0]!.AsObject();
    }
}
