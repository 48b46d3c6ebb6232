namespace ProbeMonitor.Sae.Training;

/// <summary>Which weights a training run leaves random: the trained SAE and the random baselines of Korznikov et al. (2026).</summary>
/// <remarks>
/// Only the weight matrices are frozen; b_enc, b_dec and JumpReLU thresholds always train, so each baseline is the
/// strongest SAE that can be built around its random directions.
/// </remarks>
public enum FreezeMode
{
    /// <summary>Everything trains.</summary>
    None,

    /// <summary>W_dec rows stay the random unit vectors they start as; the encoder trains ("Frozen Decoder").</summary>
    Decoder,

    /// <summary>W_enc columns stay random; the decoder trains ("Frozen Encoder").</summary>
    Encoder,

    /// <summary>
    /// W_dec rows start random and train, but each is kept within a cone around its starting direction
    /// ("Soft-Frozen Decoder", cosine with the initial row ≥ a minimum; see <see cref="DecoderCone"/>).
    /// </summary>
    SoftDecoder,
}

/// <summary>Parsing and the per-tensor meaning of <see cref="FreezeMode"/>.</summary>
public static class FreezeModes
{
    /// <summary>The CLI / cfg.json spelling: none, decoder, encoder, soft-decoder.</summary>
    public static string Name(this FreezeMode mode) => mode switch
    {
        FreezeMode.None => "none",
        FreezeMode.Decoder => "decoder",
        FreezeMode.Encoder => "encoder",
        FreezeMode.SoftDecoder => "soft-decoder",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown freeze mode"),
    };

    /// <summary>Parses a CLI spelling, naming the accepted ones on failure.</summary>
    public static FreezeMode Parse(string text) => text switch
    {
        "none" => FreezeMode.None,
        "decoder" => FreezeMode.Decoder,
        "encoder" => FreezeMode.Encoder,
        "soft-decoder" => FreezeMode.SoftDecoder,
        _ => throw new ArgumentException($"freeze mode '{text}' is not one of none, decoder, encoder, soft-decoder."),
    };

    /// <summary>The tensors that receive gradient updates under this mode.</summary>
    public static TrainableTensors Trainable(this FreezeMode mode, SaeArchitecture architecture)
    {
        var all = TrainableTensors.Encoder | TrainableTensors.Decoder | TrainableTensors.EncoderBias | TrainableTensors.DecoderBias;
        if (architecture == SaeArchitecture.JumpRelu) all |= TrainableTensors.Threshold;
        return mode switch
        {
            FreezeMode.Decoder => all & ~TrainableTensors.Decoder,
            FreezeMode.Encoder => all & ~TrainableTensors.Encoder,
            _ => all,
        };
    }
}
