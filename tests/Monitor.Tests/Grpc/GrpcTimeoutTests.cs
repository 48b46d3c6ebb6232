using ProbeMonitor.Monitor.Grpc;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]      // rounds up: never shorter than asked
    [InlineData("0S", 0L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parses_every_unit_into_ticks(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]     // units are case-sensitive: 's' is not a unit
    [InlineData("-1S")]
    [InlineData("1.5S")]
    [InlineData("123456789S")] // nine digits
    [InlineData(" 1S")]
    public void Rejects_what_the_grammar_does_not_allow(string header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(1L, "100n")]
    [InlineData(999_999L, "99999900n")]             // largest value still in nanoseconds
    [InlineData(1_000_000L, "100000u")]             // 0.1 s: 10^8 ns is nine digits, so microseconds
    [InlineData(10_000_000L * 3600, "3600000m")]   // 1 h
    [InlineData(10_000_000L * 86_400 * 365, "31536000S")]
    [InlineData(10_000_000L * 86_400 * 36_500, "52560000M")]
    public void Formats_in_the_finest_unit_that_fits_eight_digits(long ticks, string header) =>
        Assert.Equal(header, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_rounds_up_and_never_sends_zero()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-5)));
        // 1.0000001 s is 1,000,000,100 ns (10 digits), so microseconds: 1000000.1 rounds up to 1000001u.
        Assert.Equal("1000001u", GrpcTimeout.Format(TimeSpan.FromTicks(10_000_001)));
    }

    [Fact]
    public void Format_then_parse_never_shortens_a_timeout()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var ticks = (long)(Math.Pow(10, random.NextDouble() * 15)) + 1;
            var header = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
            Assert.InRange(header.Length, 2, 9);
            Assert.True(GrpcTimeout.TryParse(header, out var back), header);
            Assert.True(back.Ticks >= ticks, $"{ticks} -> {header} -> {back.Ticks}");
            // A coarser unit is chosen only when the finer one overflows 8 digits, so the value is then at least
            // 10^5 units (units step by at most 1000) and rounding up adds under one part in 10^5, or one tick.
            Assert.True(back.Ticks - ticks <= Math.Max(1, ticks / 100_000), $"{ticks} -> {header} -> {back.Ticks}");
        }
    }
}
