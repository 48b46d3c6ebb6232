using System.Text.Json.Nodes;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>One PromQL expression of the dashboard and where it sits, for messages.</summary>
internal sealed record DashboardQuery(string Where, string Expr);

/// <summary>The Grafana dashboard JSON (grafana/dashboards/probemonitor.json) and the PromQL it holds.</summary>
internal sealed class DashboardFile
{
    /// <summary>The dashboard's path under the repository root.</summary>
    public const string RelativePath = "grafana/dashboards/probemonitor.json";

    private DashboardFile(JsonObject root) => Root = root;

    /// <summary>The parsed document.</summary>
    public JsonObject Root { get; }

    /// <summary>Loads the dashboard from the repository.</summary>
    public static DashboardFile Load() =>
        new(JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, RelativePath)))!.AsObject());

    /// <summary>Every panel, rows' nested panels included.</summary>
    public IEnumerable<JsonObject> Panels()
    {
        foreach (var panel in Root["panels"]!.AsArray().Select(p => p!.AsObject()))
        {
            yield return panel;
            if (panel["panels"] is JsonArray nested)
                foreach (var inner in nested) yield return inner!.AsObject();
        }
    }

    /// <summary>The templating variables by name.</summary>
    public Dictionary<string, JsonObject> Variables() =>
        Root["templating"]!["list"]!.AsArray().Select(v => v!.AsObject())
            .ToDictionary(v => (string)v["name"]!, StringComparer.Ordinal);

    /// <summary>Every panel target's expression and every query variable's query.</summary>
    public List<DashboardQuery> Queries()
    {
        var queries = new List<DashboardQuery>();
        foreach (var panel in Panels())
            if (panel["targets"] is JsonArray targets)
                foreach (var target in targets)
                    queries.Add(new($"panel '{panel["title"]}' target {target!["refId"]}", (string)target["expr"]!));
        foreach (var (name, variable) in Variables())
            if ((string?)variable["type"] == "query")
                queries.Add(new($"variable '{name}'", VariableQuery(variable)));
        return queries;
    }

    /// <summary>A query variable's query text (Grafana stores it as a string or as {"query": ...}).</summary>
    public static string VariableQuery(JsonObject variable) =>
        variable["query"] is JsonObject q ? (string)q["query"]! : (string)variable["query"]!;

    /// <summary>The expression with Grafana's variables replaced by what Prometheus can evaluate: every probe and model,
    /// and <paramref name="rateInterval"/> for <c>$__rate_interval</c>.</summary>
    public static string Expand(string expr, string rateInterval) =>
        expr.Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)
            .Replace("${probe}", ".*", StringComparison.Ordinal).Replace("$probe", ".*", StringComparison.Ordinal)
            .Replace("${model}", ".*", StringComparison.Ordinal).Replace("$model", ".*", StringComparison.Ordinal);
}
