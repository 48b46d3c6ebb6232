using ProbeMonitor.Monitor.LoadGeneration;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("90s", 90_000)]
    [InlineData("0.25", 250)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 2S ", 2_000)]
    public void Numbers_with_units_become_durations(string text, double milliseconds) =>
        Assert.Equal(milliseconds, DurationText.Parse(text).TotalMilliseconds, 9);

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("-1")]
    [InlineData("ms")]
    [InlineData("1e9h")]
    public void Other_text_is_refused_with_the_text_named(string text) =>
        Assert.Contains($"'{text}'", Assert.Throws<FormatException>(() => DurationText.Parse(text)).Message);

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(300_000, "5m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(90_000, "90s")]
    [InlineData(500, "500ms")]
    [InlineData(0, "0s")]
    public void Format_writes_the_largest_whole_unit_and_parses_back(int milliseconds, string expected)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(expected, DurationText.Format(duration));
        Assert.Equal(duration, DurationText.Parse(DurationText.Format(duration)));
    }

    [Fact]
    public void Format_of_a_fraction_of_a_millisecond_still_parses_back()
    {
        var duration = TimeSpan.FromTicks(15_000_005);
        Assert.Equal(duration.TotalSeconds, DurationText.Parse(DurationText.Format(duration)).TotalSeconds, 1e-9);
    }
}
