namespace ProbeMonitor.Sae.Training;

/// <summary>How b_dec starts: SAELens's choices.</summary>
public enum DecoderBiasInit
{
    /// <summary>Geometric median of a sample of the (normalised) data, by Weiszfeld's iteration.</summary>
    GeometricMedian,

    /// <summary>Mean of a sample of the (normalised) data.</summary>
    Mean,

    /// <summary>Zero.</summary>
    Zeros,
}
