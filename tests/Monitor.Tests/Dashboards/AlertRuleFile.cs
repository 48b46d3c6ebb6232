using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>One alerting rule's name and PromQL.</summary>
internal sealed record AlertRule(string Alert, string Expr);

/// <summary>Reads the alert names and expressions out of deploy/prometheus/alerts.yml.</summary>
/// <remarks>A deliberately small reader for the shapes that file uses: <c>- alert: NAME</c> followed by <c>expr:</c> with
/// an inline (plain or quoted) value or a <c>|</c>/<c>&gt;</c> block. DeploymentFilesTests checks it against PyYAML, and
/// promtool checks the file itself.</remarks>
internal static class AlertRuleFile
{
    /// <summary>The rules file's path under the repository root.</summary>
    public const string RelativePath = "deploy/prometheus/alerts.yml";

    /// <summary>The rules in file order.</summary>
    public static List<AlertRule> Load() => Parse(File.ReadAllLines(Path.Combine(RepoPaths.Root, RelativePath)));

    /// <summary>Parses rule-file lines.</summary>
    public static List<AlertRule> Parse(IReadOnlyList<string> lines)
    {
        var rules = new List<AlertRule>();
        string? alert = null;
        for (int i = 0; i < lines.Count; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith("- alert:", StringComparison.Ordinal))
            {
                alert = Unquote(trimmed["- alert:".Length..].Trim());
                continue;
            }
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal)) continue;
            if (alert is null) throw new FormatException($"{RelativePath}:{i + 1}: expr before any '- alert:'");
            var value = trimmed["expr:".Length..].Trim();
            if (value is "|" or "|-" or ">" or ">-")
            {
                int indent = Indent(lines[i]);
                var block = new List<string>();
                while (i + 1 < lines.Count && (lines[i + 1].Trim().Length == 0 || Indent(lines[i + 1]) > indent))
                    block.Add(lines[++i].TrimEnd());
                // As in YAML, the first line's indentation is the block's; deeper lines keep their extra spaces.
                int baseIndent = block.Where(l => l.Length > 0).Select(Indent).FirstOrDefault();
                value = string.Join('\n', block.Select(l => l.Length >= baseIndent ? l[baseIndent..] : l)).Trim();
            }
            else
            {
                value = Unquote(value);
            }
            if (value.Length == 0) throw new FormatException($"{RelativePath}:{i + 1}: alert {alert} has an empty expr");
            rules.Add(new AlertRule(alert, value));
            alert = null;
        }
        return rules;
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
