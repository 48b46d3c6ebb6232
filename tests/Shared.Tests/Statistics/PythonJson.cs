using System.Text.Json;
using System.Text.Json.Nodes;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Shared.Tests.Statistics;

/// <summary>Runs a Python script on Debian's interpreter with JSON in (variable <c>data</c>) and JSON out (whatever the script prints).</summary>
/// <remarks>Both sides write doubles in shortest round-trip form, so values cross the boundary bit-exactly.</remarks>
internal static class PythonJson
{
    private const string Prelude = "import sys, json\nimport numpy as np\ndata = json.load(sys.stdin)\n";

    public static JsonNode Run(string script, object input)
    {
        var stdin = JsonSerializer.Serialize(input);
        var stdout = Peers.RunPython(Prelude + script, stdin);
        return JsonNode.Parse(stdout) ?? throw new InvalidOperationException("python printed no JSON.");
    }

    public static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    public static double Double(JsonNode? node) => node!.GetValue<double>();
}
