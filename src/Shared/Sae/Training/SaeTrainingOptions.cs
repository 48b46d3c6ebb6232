namespace ProbeMonitor.Sae.Training;

/// <summary>Everything that defines an SAE training run. <see cref="Validate"/> checks it against the data before any step.</summary>
public sealed record SaeTrainingOptions
{
    /// <summary>Default L1 coefficient for ReLU SAEs on inputs normalised to E‖x‖ = √d_in.</summary>
    public const double DefaultReluL1 = 5.0;

    /// <summary>Default L0 coefficient for JumpReLU SAEs (SAELens's default l0_coefficient).</summary>
    public const double DefaultJumpReluL0 = 1.0;

    /// <summary>The activation function and its sparsity mechanism.</summary>
    public SaeArchitecture Architecture { get; init; } = SaeArchitecture.TopK;

    /// <summary>Number of latents (d_sae).</summary>
    public int Width { get; init; }

    /// <summary>Latents kept per token; TopK only.</summary>
    public int? K { get; init; }

    /// <summary>λ: the L1 coefficient (ReLU) or L0 coefficient (JumpReLU); the starting value when <see cref="TargetL0"/> is set.</summary>
    public double? SparsityCoefficient { get; init; }

    /// <summary>When set (ReLU/JumpReLU), λ is steered so the batch L0 approaches this (see <see cref="SparsityController"/>).</summary>
    public double? TargetL0 { get; init; }

    /// <summary>Which weights stay random.</summary>
    public FreezeMode Freeze { get; init; } = FreezeMode.None;

    /// <summary>For <see cref="FreezeMode.SoftDecoder"/>: the least cosine a decoder row may have with its initial direction.</summary>
    /// <remarks>0.8 is the constraint of Korznikov et al. (2026), "CosineSim ≥ 0.8 with their initial values" (≈ 36.9°).</remarks>
    public double SoftDecoderMinCosine { get; init; } = 0.8;

    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Tokens per step.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 4e-4;

    /// <summary>Adam β₁.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam β₂.</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>Adam ε.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Seed for initialisation and batch order; a run is a pure function of data, options and seed.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to scale inputs so E‖x‖ = √d_in (SAELens expected_average_only_in); the factor goes into cfg.json.</summary>
    public bool NormalizeInput { get; init; } = true;

    /// <summary>How b_dec starts.</summary>
    public DecoderBiasInit DecoderBiasInit { get; init; } = DecoderBiasInit.GeometricMedian;

    /// <summary>Rows sampled to estimate the normalisation factor and initialise b_dec.</summary>
    public int InitSampleRows { get; init; } = 4096;

    /// <summary>A latent is dead when it has not fired in this many tokens; null means 1000 steps (SAELens's dead_feature_window).</summary>
    public long? DeadWindowTokens { get; init; }

    /// <summary>Dead latents used by AuxK per token (k_aux); null means d_in / 2 as in SAELens.</summary>
    public int? AuxK { get; init; }

    /// <summary>AuxK loss coefficient α (Gao et al. 2024: 1/32); 0 turns AuxK off.</summary>
    public double AuxKCoefficient { get; init; } = 1.0 / 32;

    /// <summary>JumpReLU rectangle-kernel bandwidth ε (Rajamanoharan et al. 2024: 0.001).</summary>
    public double JumpReluBandwidth { get; init; } = 0.001;

    /// <summary>JumpReLU starting threshold θ₀ (Rajamanoharan et al. 2024: 0.001).</summary>
    public double JumpReluInitialThreshold { get; init; } = 0.001;

    /// <summary>Gain γ of the log-space λ controller used with <see cref="TargetL0"/>.</summary>
    public double SparsityControllerGain { get; init; } = 0.02;

    /// <summary>Steps per training-log entry.</summary>
    public int LogInterval { get; init; } = 50;

    /// <summary>λ actually used at the first step.</summary>
    public double InitialSparsityCoefficient => SparsityCoefficient ?? Architecture switch
    {
        SaeArchitecture.Relu => DefaultReluL1,
        SaeArchitecture.JumpRelu => DefaultJumpReluL0,
        _ => 0.0,
    };

    /// <summary>The dead window in tokens after defaults.</summary>
    public long EffectiveDeadWindowTokens => DeadWindowTokens ?? 1000L * BatchSize;

    /// <summary>k_aux after defaults, for inputs of width <paramref name="dIn"/>.</summary>
    public int EffectiveAuxK(int dIn) => AuxK ?? Math.Max(1, dIn / 2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option, for data of width <paramref name="dIn"/>.</summary>
    public void Validate(int dIn)
    {
        if (dIn <= 0) throw new ArgumentException($"SAE training: the activations' width d_in must be positive, got {dIn}.");
        if (!Enum.IsDefined(Architecture)) throw new ArgumentException($"SAE training: architecture {(int)Architecture} is unknown.");
        if (Width <= 0) throw new ArgumentException($"SAE training: --width must be positive, got {Width}.");
        if ((long)Width * dIn > Array.MaxLength)
            throw new ArgumentException($"SAE training: width·d_in = {(long)Width * dIn} exceeds the largest array this runtime can hold.");
        if (Architecture == SaeArchitecture.TopK)
        {
            if (K is not { } k) throw new ArgumentException("SAE training: a topk SAE needs --k.");
            if (k <= 0 || k > Width) throw new ArgumentException($"SAE training: --k must be in 1..width ({Width}), got {k}.");
            if (SparsityCoefficient is not null) throw new ArgumentException("SAE training: --l1 is for relu/jumprelu; topk's sparsity is --k.");
            if (TargetL0 is not null) throw new ArgumentException("SAE training: --target-l0 is for relu/jumprelu; a topk SAE's L0 is --k.");
        }
        else if (K is not null)
            throw new ArgumentException($"SAE training: --k is only for topk, but the architecture is {Architecture}.");
        if (SparsityCoefficient is { } l && !(double.IsFinite(l) && l >= 0))
            throw new ArgumentException($"SAE training: the sparsity coefficient must be finite and non-negative, got {l}.");
        if (TargetL0 is { } t && !(double.IsFinite(t) && t > 0 && t < Width))
            throw new ArgumentException($"SAE training: --target-l0 must be in (0, width = {Width}), got {t}.");
        if (!Enum.IsDefined(Freeze)) throw new ArgumentException($"SAE training: freeze mode {(int)Freeze} is unknown.");
        if (!(SoftDecoderMinCosine > -1 && SoftDecoderMinCosine <= 1))
            throw new ArgumentException($"SAE training: the soft-decoder minimum cosine must be in (-1, 1], got {SoftDecoderMinCosine}.");
        if (Steps <= 0) throw new ArgumentException($"SAE training: --steps must be positive, got {Steps}.");
        if (BatchSize <= 0) throw new ArgumentException($"SAE training: --batch must be positive, got {BatchSize}.");
        if ((long)BatchSize * Math.Max(Width, dIn) > Array.MaxLength)
            throw new ArgumentException($"SAE training: batch·width = {(long)BatchSize * Width} exceeds the largest array this runtime can hold.");
        if (!(double.IsFinite(LearningRate) && LearningRate > 0)) throw new ArgumentException($"SAE training: --lr must be positive, got {LearningRate}.");
        if (!(AdamBeta1 >= 0 && AdamBeta1 < 1)) throw new ArgumentException($"SAE training: Adam β1 must be in [0, 1), got {AdamBeta1}.");
        if (!(AdamBeta2 >= 0 && AdamBeta2 < 1)) throw new ArgumentException($"SAE training: Adam β2 must be in [0, 1), got {AdamBeta2}.");
        if (!(AdamEpsilon > 0)) throw new ArgumentException($"SAE training: Adam ε must be positive, got {AdamEpsilon}.");
        if (!Enum.IsDefined(DecoderBiasInit)) throw new ArgumentException($"SAE training: b_dec init {(int)DecoderBiasInit} is unknown.");
        if (InitSampleRows <= 0) throw new ArgumentException($"SAE training: the initialisation sample must have rows, got {InitSampleRows}.");
        if (EffectiveDeadWindowTokens <= 0) throw new ArgumentException($"SAE training: the dead window must be positive, got {EffectiveDeadWindowTokens} tokens.");
        if (AuxK is { } ka && ka <= 0) throw new ArgumentException($"SAE training: k_aux must be positive, got {ka}.");
        if (!(double.IsFinite(AuxKCoefficient) && AuxKCoefficient >= 0))
            throw new ArgumentException($"SAE training: the AuxK coefficient must be finite and non-negative, got {AuxKCoefficient}.");
        if (!(double.IsFinite(JumpReluBandwidth) && JumpReluBandwidth > 0))
            throw new ArgumentException($"SAE training: the JumpReLU bandwidth must be positive, got {JumpReluBandwidth}.");
        if (!(double.IsFinite(JumpReluInitialThreshold) && JumpReluInitialThreshold > 0))
            throw new ArgumentException($"SAE training: the JumpReLU initial threshold must be positive, got {JumpReluInitialThreshold}.");
        if (!(double.IsFinite(SparsityControllerGain) && SparsityControllerGain > 0))
            throw new ArgumentException($"SAE training: the λ controller gain must be positive, got {SparsityControllerGain}.");
        if (LogInterval <= 0) throw new ArgumentException($"SAE training: the log interval must be positive, got {LogInterval}.");
    }
}
