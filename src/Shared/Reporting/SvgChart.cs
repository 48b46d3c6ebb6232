using System.Globalization;
using System.Security;
using System.Text;

namespace ProbeMonitor.Reporting;

/// <summary>A minimal SVG writer for the two charts reports need: grouped bars and lines, self-contained and dependency-free.</summary>
/// <remarks>
/// Output is a standalone SVG 1.1 document (well-formed XML, text escaped) that browsers and Markdown viewers render.
/// Non-finite values are left out (no bar, a gap in a line) rather than drawn at a made-up position.
/// </remarks>
public static class SvgChart
{
    /// <summary>A named series of values, one per category (bars) or per x position (lines).</summary>
    public sealed record Series(string Name, IReadOnlyList<double> Values);

    private const int Width = 800, Height = 440, Left = 64, Right = 210, Top = 48, Bottom = 64;
    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"];

    /// <summary>Bars grouped by category, one colour per series, each bar labelled with its value.</summary>
    public static string GroupedBars(string title, IReadOnlyList<string> categories, IReadOnlyList<Series> series, string yLabel, double? yMax = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
            if (s.Values.Count != categories.Count)
                throw new ArgumentException($"SVG chart: series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories.");
        double top = yMax ?? NiceCeiling(series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max());
        var svg = Begin(title);
        Axes(svg, 0, top, yLabel);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double group = plotW / Math.Max(1, categories.Count), bar = group * 0.8 / Math.Max(1, series.Count);
        for (int c = 0; c < categories.Count; c++)
        {
            double gx = Left + c * group;
            for (int s = 0; s < series.Count; s++)
            {
                double v = series[s].Values[c];
                if (!double.IsFinite(v)) continue;
                double h = Math.Max(0, Math.Min(v, top)) / top * plotH;
                double x = gx + group * 0.1 + s * bar, y = Top + plotH - h;
                svg.Append($"<rect class=\"bar\" x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(bar * 0.92)}\" height=\"{F(h)}\" fill=\"{Palette[s % Palette.Length]}\">")
                   .Append($"<title>{Esc(series[s].Name)} — {Esc(categories[c])}: {F(v, "G4")}</title></rect>\n");
                svg.Append($"<text x=\"{F(x + bar * 0.46)}\" y=\"{F(y - 3)}\" font-size=\"10\" text-anchor=\"middle\">{F(v, "0.00")}</text>\n");
            }
            CategoryLabel(svg, categories[c], gx + group / 2, Top + plotH + 16, group);
        }
        Legend(svg, series);
        return End(svg);
    }

    /// <summary>One polyline per series over shared x values.</summary>
    public static string Lines(string title, IReadOnlyList<double> x, IReadOnlyList<Series> series, string xLabel, string yLabel, double? yMax = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
            if (s.Values.Count != x.Count) throw new ArgumentException($"SVG chart: series '{s.Name}' has {s.Values.Count} values for {x.Count} x positions.");
        var xs = x.Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double x0 = xs.Min(), x1 = Math.Max(xs.Max(), x0 + 1e-12);
        double top = yMax ?? NiceCeiling(series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max());
        var svg = Begin(title);
        Axes(svg, 0, top, yLabel);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        for (int i = 0; i <= 4; i++)
        {
            double v = x0 + (x1 - x0) * i / 4, px = Left + plotW * i / 4;
            svg.Append($"<text x=\"{F(px)}\" y=\"{F(Top + plotH + 16)}\" font-size=\"10\" text-anchor=\"middle\">{F(v, "G4")}</text>\n");
        }
        svg.Append($"<text x=\"{F(Left + plotW / 2)}\" y=\"{F(Height - 18)}\" font-size=\"12\" text-anchor=\"middle\">{Esc(xLabel)}</text>\n");
        for (int s = 0; s < series.Count; s++)
        {
            var points = new StringBuilder();
            for (int i = 0; i < x.Count; i++)
            {
                double v = series[s].Values[i];
                if (!double.IsFinite(v) || !double.IsFinite(x[i])) continue;
                double px = Left + (x[i] - x0) / (x1 - x0) * plotW, py = Top + plotH - Math.Max(0, Math.Min(v, top)) / top * plotH;
                points.Append(F(px)).Append(',').Append(F(py)).Append(' ');
            }
            svg.Append($"<polyline class=\"line\" fill=\"none\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\" points=\"{points.ToString().TrimEnd()}\"><title>{Esc(series[s].Name)}</title></polyline>\n");
        }
        Legend(svg, series);
        return End(svg);
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above <paramref name="v"/> (1 for v ≤ 0).</summary>
    public static double NiceCeiling(double v)
    {
        if (!(v > 0) || !double.IsFinite(v)) return 1;
        double p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
            if (m * p >= v * (1 - 1e-12)) return m * p;
        return 10 * p;
    }

    private static StringBuilder Begin(string title)
    {
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\">\n");
        svg.Append($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{Width / 2}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\" font-weight=\"bold\">{Esc(title)}</text>\n");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static void Axes(StringBuilder svg, double y0, double y1, string yLabel)
    {
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        for (int i = 0; i <= 5; i++)
        {
            double v = y0 + (y1 - y0) * i / 5, py = Top + plotH - plotH * i / 5;
            svg.Append($"<line x1=\"{Left}\" y1=\"{F(py)}\" x2=\"{F(Left + plotW)}\" y2=\"{F(py)}\" stroke=\"#ddd\"/>\n");
            svg.Append($"<text x=\"{Left - 6}\" y=\"{F(py + 4)}\" font-size=\"10\" text-anchor=\"end\">{F(v, "G4")}</text>\n");
        }
        svg.Append($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{F(Top + plotH)}\" stroke=\"black\"/>\n");
        svg.Append($"<line x1=\"{Left}\" y1=\"{F(Top + plotH)}\" x2=\"{F(Left + plotW)}\" y2=\"{F(Top + plotH)}\" stroke=\"black\"/>\n");
        svg.Append($"<text x=\"16\" y=\"{F(Top + plotH / 2)}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 {F(Top + plotH / 2)})\">{Esc(yLabel)}</text>\n");
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<Series> series)
    {
        double x = Width - Right + 14;
        for (int s = 0; s < series.Count; s++)
        {
            double y = Top + 8 + s * 20;
            svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y - 9)}\" width=\"12\" height=\"12\" fill=\"{Palette[s % Palette.Length]}\"/>\n");
            svg.Append($"<text x=\"{F(x + 18)}\" y=\"{F(y + 1)}\" font-size=\"11\">{Esc(series[s].Name)}</text>\n");
        }
    }

    /// <summary>A category label centred under its group, broken at a space into two lines when it would overflow the group.</summary>
    private static void CategoryLabel(StringBuilder svg, string label, double x, double y, double room)
    {
        const double CharWidth = 6.0;
        int split = label.Length * CharWidth > room ? label.LastIndexOf(' ', label.Length / 2 + label.Length / 4) : -1;
        svg.Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-size=\"11\" text-anchor=\"middle\">");
        if (split <= 0) svg.Append(Esc(label));
        else
            svg.Append($"<tspan x=\"{F(x)}\">{Esc(label[..split])}</tspan><tspan x=\"{F(x)}\" dy=\"13\">{Esc(label[(split + 1)..])}</tspan>");
        svg.Append("</text>\n");
    }

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Esc(string text) => SecurityElement.Escape(text) ?? "";
}
