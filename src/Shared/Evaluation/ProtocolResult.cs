using System.Text.Json.Nodes;

namespace ProbeMonitor.Evaluation;

/// <summary>Everything a protocol run produced: the rows of results.json, protocol-specific sections, warnings, and the report with its charts.</summary>
/// <param name="Protocol">The protocol name written as results.json's "protocol".</param>
/// <param name="Rows">One row per (dataset, setting, method, k).</param>
/// <param name="Sections">Further top-level results.json fields (e.g. "quiver", "ranking").</param>
/// <param name="Warnings">What was skipped or degraded, and why.</param>
/// <param name="Markdown">The report.md text.</param>
/// <param name="Charts">SVG charts by file name, referenced from the report.</param>
public sealed record ProtocolResult(
    string Protocol,
    IReadOnlyList<ResultRow> Rows,
    JsonObject Sections,
    IReadOnlyList<string> Warnings,
    string Markdown,
    IReadOnlyDictionary<string, string> Charts);
