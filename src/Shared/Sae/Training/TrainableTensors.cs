namespace ProbeMonitor.Sae.Training;

/// <summary>The SAE tensors, as flags, for saying which ones train.</summary>
[Flags]
public enum TrainableTensors
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>W_enc.</summary>
    Encoder = 1,

    /// <summary>W_dec.</summary>
    Decoder = 2,

    /// <summary>b_enc.</summary>
    EncoderBias = 4,

    /// <summary>b_dec.</summary>
    DecoderBias = 8,

    /// <summary>JumpReLU log-thresholds.</summary>
    Threshold = 16,
}
