using System.Globalization;
using System.Xml.Linq;
using ProbeMonitor.Reporting;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Reporting;

public sealed class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Grouped_bars_are_well_formed_svg_with_one_bar_per_value_and_heights_proportional_to_values()
    {
        var text = SvgChart.GroupedBars("EV & recovery <ours>", ["trained", "frozen \"dec\""],
            [new SvgChart.Series("explained variance", [1.0, 0.5]), new SvgChart.Series("recovered", [0.25, double.NaN])], "fraction", yMax: 1.0);
        var doc = XDocument.Parse(text);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var bars = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(3, bars.Count); // the NaN is left out
        double H(int i) => double.Parse((string)bars[i].Attribute("height")!, CultureInfo.InvariantCulture);
        // Bars come category by category: (trained: 1.0, 0.25), (frozen: 0.5).
        Assert.Equal(H(0) / 4, H(1), 1);
        Assert.Equal(H(0) / 2, H(2), 1);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "EV & recovery <ours>");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "frozen \"dec\"");
    }

    [Fact]
    public void Long_category_labels_wrap_onto_two_lines_at_a_space()
    {
        var categories = new[] { "a", "soft-frozen decoder baseline", "b", "c", "d", "e" };
        var doc = XDocument.Parse(SvgChart.GroupedBars("t", categories, [new SvgChart.Series("s", [1, 2, 3, 4, 5, 6])], "y"));
        var label = doc.Descendants(Svg + "text").Single(t => t.Elements(Svg + "tspan").Any());
        Assert.Equal(["soft-frozen decoder", "baseline"], label.Elements(Svg + "tspan").Select(t => t.Value));
    }

    [Fact]
    public void Lines_are_well_formed_with_a_polyline_per_series_skipping_non_finite_points()
    {
        var text = SvgChart.Lines("FVU", [0, 50, 100], [new SvgChart.Series("a", [1, 0.5, 0.25]), new SvgChart.Series("b", [0.9, double.NaN, 0.1])], "step", "FVU");
        var lines = XDocument.Parse(text).Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(3, ((string)lines[0].Attribute("points")!).Split(' ').Length);
        Assert.Equal(2, ((string)lines[1].Attribute("points")!).Split(' ').Length);
    }

    [Fact]
    public void Mismatched_series_lengths_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => SvgChart.GroupedBars("t", ["a", "b"], [new SvgChart.Series("short", [1.0])], "y"));
        Assert.Contains("short", e.Message);
    }

    [Theory]
    [InlineData(0.71, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(1.3, 2.0)]
    [InlineData(0.021, 0.025)]
    [InlineData(0.0, 1.0)]
    public void Nice_ceiling_rounds_up_to_1_2_2_5_5(double v, double expected) => Assert.Equal(expected, SvgChart.NiceCeiling(v), 12);
}
