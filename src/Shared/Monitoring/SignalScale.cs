namespace ProbeMonitor.Monitoring;

/// <summary>Maps a non-negative drift signal to a risk in [0, 1) by a Hill curve anchored at two practice thresholds.</summary>
/// <remarks>
/// r(x) = 1 / (1 + (m/x)^h) with m = <see cref="Moderate"/> and h = ln 9 / ln(<see cref="Major"/>/m), so r(m) = 0.5 and
/// r(<see cref="Major"/>) = 0.9 exactly. The curve is 0 at x = 0, strictly increasing, flat near zero for h &gt; 1 (sampling
/// noise well below the moderate threshold maps to almost nothing) and saturates towards 1. NaN stays NaN.
/// </remarks>
public sealed record SignalScale
{
    /// <summary>The risk at the moderate threshold.</summary>
    public const double ModerateRisk = 0.5;

    /// <summary>The risk at the major threshold.</summary>
    public const double MajorRisk = 0.9;

    /// <summary>A scale with risk ½ at <paramref name="moderate"/> and 0.9 at <paramref name="major"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 &lt; moderate &lt; major, both finite.</exception>
    public SignalScale(double moderate, double major)
    {
        if (!(moderate > 0 && double.IsFinite(moderate)))
            throw new ArgumentOutOfRangeException(nameof(moderate), moderate, "the moderate threshold must be positive and finite.");
        if (!(major > moderate && double.IsFinite(major)))
            throw new ArgumentOutOfRangeException(nameof(major), major, $"the major threshold must be finite and above the moderate one ({moderate}).");
        Moderate = moderate;
        Major = major;
        Exponent = Math.Log(MajorRisk / (1 - MajorRisk)) / Math.Log(major / moderate);
    }

    /// <summary>The signal value mapped to risk ½.</summary>
    public double Moderate { get; }

    /// <summary>The signal value mapped to risk 0.9.</summary>
    public double Major { get; }

    /// <summary>h, the Hill exponent the two thresholds imply.</summary>
    public double Exponent { get; }

    /// <summary>r(x); 0 for x ≤ 0, NaN for NaN.</summary>
    public double Map(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x <= 0) return 0;
        return 1 / (1 + Math.Pow(Moderate / x, Exponent));
    }
}
