using System.Text.Json.Serialization;

namespace ProbeMonitor.Probes.Calibration;

/// <summary>How a probe's logit becomes a probability.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CalibrationMethod>))]
public enum CalibrationMethod
{
    /// <summary>No calibration: the logistic sigmoid of the raw logit.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>Platt scaling: sigmoid(a·logit + b).</summary>
    [JsonStringEnumMemberName("platt")] Platt,

    /// <summary>Isotonic regression: a non-decreasing piecewise-linear map fitted by pool-adjacent-violators.</summary>
    [JsonStringEnumMemberName("isotonic")] Isotonic,

    /// <summary>Temperature scaling: sigmoid(logit / T).</summary>
    [JsonStringEnumMemberName("temperature")] Temperature,
}
