namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>A metric a PromQL expression selects, with the label names its matchers use (e.g. <c>probe</c> in <c>{probe=~"$probe"}</c>).</summary>
internal sealed record MetricSelector(string Name, IReadOnlyList<string> MatcherLabels);

/// <summary>Just enough PromQL lexing to find which metrics an expression reads and what functions wrap them.</summary>
/// <remarks>Skips string literals, comments, Grafana variables (<c>$x</c>, <c>${x}</c>), numbers, function names and the
/// label lists of <c>by</c>/<c>without</c>/<c>on</c>/<c>ignoring</c>/<c>group_left</c>/<c>group_right</c>; reads a
/// <c>__name__="..."</c> matcher as a metric. Only names with <paramref name="prefix"/> are reported.</remarks>
internal static class PromQl
{
    private static readonly HashSet<string> LabelListKeywords =
        new(["by", "without", "on", "ignoring", "group_left", "group_right"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The metrics the expression selects that start with <paramref name="prefix"/>, in order of appearance.</summary>
    public static List<MetricSelector> Selectors(string expr, string prefix = "probemon_")
    {
        var found = new List<MetricSelector>();
        int i = 0;
        while (i < expr.Length)
        {
            char c = expr[i];
            if (c is '"' or '\'' or '`') { i = SkipString(expr, i); continue; }
            if (c == '#') { while (i < expr.Length && expr[i] != '\n') i++; continue; }
            if (c == '$') { i = SkipVariable(expr, i); continue; }
            if (char.IsDigit(c) || (c == '.' && i + 1 < expr.Length && char.IsDigit(expr[i + 1])))
            {
                while (i < expr.Length && (char.IsLetterOrDigit(expr[i]) || expr[i] == '.')) i++;
                continue;
            }
            if (c == '{')
            {
                // A bare selector {__name__="..."} with no metric name in front.
                i = ReadMatchers(expr, i, out var labels, out var nameFromMatcher);
                if (nameFromMatcher is not null && nameFromMatcher.StartsWith(prefix, StringComparison.Ordinal))
                    found.Add(new MetricSelector(nameFromMatcher, labels));
                continue;
            }
            if (!IsIdentStart(c)) { i++; continue; }

            int start = i;
            while (i < expr.Length && IsIdentPart(expr[i])) i++;
            var ident = expr[start..i];
            int next = SkipSpace(expr, i);
            if (LabelListKeywords.Contains(ident) && next < expr.Length && expr[next] == '(')
            {
                i = SkipParens(expr, next);
                continue;
            }
            if (next < expr.Length && expr[next] == '(') continue; // a function name
            IReadOnlyList<string> matcherLabels = [];
            if (next < expr.Length && expr[next] == '{')
            {
                i = ReadMatchers(expr, next, out var labels, out _);
                matcherLabels = labels;
            }
            if (ident.StartsWith(prefix, StringComparison.Ordinal))
                found.Add(new MetricSelector(ident, matcherLabels));
        }
        return found;
    }

    /// <summary>The argument text of every call to <paramref name="function"/> (outside strings), e.g. all <c>rate(...)</c> bodies.</summary>
    public static List<string> CallArguments(string expr, string function)
    {
        var result = new List<string>();
        int i = 0;
        while (i < expr.Length)
        {
            char c = expr[i];
            if (c is '"' or '\'' or '`') { i = SkipString(expr, i); continue; }
            if (!IsIdentStart(c) || (i > 0 && IsIdentPart(expr[i - 1]))) { i++; continue; }
            int start = i;
            while (i < expr.Length && IsIdentPart(expr[i])) i++;
            int open = SkipSpace(expr, i);
            if (expr[start..i] == function && open < expr.Length && expr[open] == '(')
            {
                int close = SkipParens(expr, open);
                result.Add(expr[(open + 1)..(close - 1)]);
            }
        }
        return result;
    }

    private static int ReadMatchers(string expr, int open, out List<string> labels, out string? nameFromMatcher)
    {
        labels = [];
        nameFromMatcher = null;
        int i = open + 1;
        while (i < expr.Length && expr[i] != '}')
        {
            if (expr[i] is ',' || char.IsWhiteSpace(expr[i])) { i++; continue; }
            int start = i;
            while (i < expr.Length && IsIdentPart(expr[i])) i++;
            if (i == start) throw new FormatException($"unexpected '{expr[i]}' in label matchers at {i} of: {expr}");
            var label = expr[start..i];
            i = SkipSpace(expr, i);
            int op = i;
            while (i < expr.Length && expr[i] is '=' or '!' or '~') i++;
            var oper = expr[op..i];
            i = SkipSpace(expr, i);
            if (i >= expr.Length || expr[i] is not ('"' or '\'' or '`'))
                throw new FormatException($"label '{label}' has no quoted value at {i} of: {expr}");
            int valueStart = i;
            i = SkipString(expr, i);
            if (label == "__name__" && oper == "=") nameFromMatcher = expr[(valueStart + 1)..(i - 1)];
            else labels.Add(label);
        }
        if (i >= expr.Length) throw new FormatException($"unterminated label matchers starting at {open} of: {expr}");
        return i + 1;
    }

    private static int SkipString(string expr, int i)
    {
        char quote = expr[i++];
        while (i < expr.Length && expr[i] != quote)
            i += expr[i] == '\\' && quote != '`' ? 2 : 1;
        if (i >= expr.Length) throw new FormatException($"unterminated string in: {expr}");
        return i + 1;
    }

    private static int SkipVariable(string expr, int i)
    {
        i++;
        if (i < expr.Length && expr[i] == '{')
        {
            int close = expr.IndexOf('}', i);
            if (close < 0) throw new FormatException($"unterminated ${{...}} variable in: {expr}");
            return close + 1;
        }
        while (i < expr.Length && IsIdentPart(expr[i])) i++;
        return i;
    }

    private static int SkipParens(string expr, int open)
    {
        int depth = 0;
        for (int i = open; i < expr.Length; i++)
        {
            char c = expr[i];
            if (c is '"' or '\'' or '`') { i = SkipString(expr, i) - 1; continue; }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i + 1;
        }
        throw new FormatException($"unbalanced parentheses from {open} in: {expr}");
    }

    private static int SkipSpace(string expr, int i)
    {
        while (i < expr.Length && char.IsWhiteSpace(expr[i])) i++;
        return i;
    }

    private static bool IsIdentStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':';

    private static bool IsIdentPart(char c) => IsIdentStart(c) || c is >= '0' and <= '9';
}
