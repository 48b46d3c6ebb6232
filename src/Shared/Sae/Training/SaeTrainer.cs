using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ProbeMonitor.Sae.Training;

/// <summary>The training loop: sample a batch, evaluate the architecture's loss and gradients, constrain, Adam step, log.</summary>
/// <remarks>
/// Construction validates the options against the data and initialises everything, so every error about the data,
/// the options or a resumed SAE surfaces before the first step. A run is a pure function of data, options and seed:
/// initialisation and batch order come from seeded generators, and every parallel loop writes each output from one thread.
/// </remarks>
public sealed class SaeTrainer
{
    private readonly ActivationSource _data;
    private readonly SaeTrainingOptions _options;
    private readonly SaeParameters _p, _g;
    private readonly SaeObjective _objective;
    private readonly AdamOptimizer _adam;
    private readonly DeadLatentTracker _dead;
    private readonly SparsityController _controller;
    private readonly DecoderCone? _cone;
    private readonly TrainingBatch _batch;
    private readonly BatchSampler _sampler;
    private readonly TrainableTensors _trainable;
    private readonly bool[] _touched;
    private readonly float _scale;
    private readonly bool _normalized;
    private readonly Action<int, int> _beforeDecoderRows, _afterDecoderRows;

    /// <summary>Prepares a run on <paramref name="data"/>; <paramref name="resumeFrom"/> continues from an SAE's weights (Adam restarts).</summary>
    /// <exception cref="ArgumentException">An option is invalid for this data, or the resumed SAE does not fit it.</exception>
    public SaeTrainer(ActivationSource data, SaeTrainingOptions options, SparseAutoencoder? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(data.DIn);
        if (resumeFrom is not null) CheckResume(resumeFrom, options, data);
        _data = data;
        _options = options;
        int dIn = data.DIn;

        var initRng = SeedStream.Create(options.Seed, SeedStream.TrainerInit);
        var sampleRng = SeedStream.Create(options.Seed, SeedStream.TrainerInitSample);
        int sampleRows = (int)Math.Min(options.InitSampleRows, data.Rows);
        var sample = new float[sampleRows * dIn];
        for (int r = 0; r < sampleRows; r++) data.CopyRow(sampleRng.NextInt64(data.Rows), sample.AsSpan(r * dIn, dIn));

        if (resumeFrom is not null)
        {
            _normalized = resumeFrom.Config.NormalizeActivations == ActivationNormalization.ExpectedAverageOnlyIn;
            NormScalingFactor = resumeFrom.Config.NormScalingFactor ?? 1.0;
            _p = SaeParameters.FromAutoencoder(resumeFrom);
        }
        else
        {
            _normalized = options.NormalizeInput;
            NormScalingFactor = options.NormalizeInput ? InputNormalizer.ScalingFactor(sample, sampleRows, dIn) : 1.0;
            System.Numerics.Tensors.TensorPrimitives.Multiply(sample, (float)NormScalingFactor, sample);
            _p = SaeInitializer.Create(options, dIn, initRng, sample, sampleRows);
        }
        _scale = (float)NormScalingFactor;
        _g = new SaeParameters(dIn, options.Width, _p.HasThreshold);
        _objective = SaeObjective.Create(options, dIn);
        _adam = new AdamOptimizer(_p, options.LearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon);
        _dead = new DeadLatentTracker(options.Width, options.EffectiveDeadWindowTokens);
        _controller = new SparsityController(options.InitialSparsityCoefficient, options.TargetL0, options.SparsityControllerGain);
        _trainable = options.Freeze.Trainable(options.Architecture);
        _touched = new bool[options.Width];
        _batch = new TrainingBatch(options.BatchSize, dIn, options.Width);
        _sampler = new BatchSampler(data, SeedStream.Create(options.Seed, SeedStream.TrainerBatches));
        _beforeDecoderRows = (r0, r1) => DecoderNormConstraint.RemoveRadialGradient(_p.Decoder, _g.Decoder, dIn, _touched, r0, r1);
        if (options.Freeze == FreezeMode.SoftDecoder)
        {
            _cone = new DecoderCone(_p.Decoder, dIn, options.SoftDecoderMinCosine);
            _afterDecoderRows = (r0, r1) =>
            {
                DecoderNormConstraint.Normalize(_p.Decoder, dIn, r0, r1);
                _cone.Project(_p.Decoder, r0, r1);
            };
        }
        else
            _afterDecoderRows = (r0, r1) => DecoderNormConstraint.Normalize(_p.Decoder, dIn, r0, r1);
    }

    /// <summary>The weights being trained (live; read between steps).</summary>
    public SaeParameters Parameters => _p;

    /// <summary>The input scale s (1 when not normalising).</summary>
    public double NormScalingFactor { get; }

    /// <summary>Steps taken.</summary>
    public int StepsDone { get; private set; }

    /// <summary>Current λ.</summary>
    public double SparsityCoefficient => _controller.Coefficient;

    /// <summary>Dead-latent state.</summary>
    public DeadLatentTracker Dead => _dead;

    /// <summary>FVU of the last step's batch.</summary>
    public double LastBatchFvu => _batch.FractionOfVarianceUnexplained();

    /// <summary>One optimiser step on the next batch.</summary>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public LossTerms Step()
    {
        _sampler.Next(_batch.Input, _batch.Rows, _scale);
        var terms = _objective.Evaluate(_batch, _p, _g, _trainable, _controller.Coefficient, _dead.DeadLatents);
        if (!double.IsFinite(terms.Total))
            throw new InvalidOperationException(
                $"SAE training diverged at step {StepsDone + 1}: loss is {terms.Total} (mse {terms.Mse}, sparsity {terms.Sparsity}, aux {terms.Aux}); try a lower --lr.");
        _dead.Record(_batch.CodeIndex.Active, _batch.Rows);
        Array.Clear(_touched);
        _objective.MarkTouched(_batch, _touched);
        _adam.Step(_p, _g, _trainable, _touched, _beforeDecoderRows, _afterDecoderRows);
        _controller.Update(terms.L0);
        StepsDone++;
        return terms;
    }

    /// <summary>Runs the remaining steps, reporting an averaged entry every log interval (and at the last step).</summary>
    /// <param name="onLog">Receives each log entry as it is made.</param>
    /// <param name="describe">Adds provenance to the result's config (hook name, model name, ...).</param>
    public SaeTrainingResult Run(Action<TrainingLogEntry>? onLog = null, Func<SaeConfig, SaeConfig>? describe = null)
    {
        var log = new List<TrainingLogEntry>();
        var clock = Stopwatch.StartNew();
        double loss = 0, mse = 0, sparsity = 0, aux = 0, fvu = 0, l0 = 0;
        int count = 0;
        while (StepsDone < _options.Steps)
        {
            var t = Step();
            loss += t.Total;
            mse += t.Mse;
            sparsity += t.Sparsity;
            aux += t.Aux;
            l0 += t.L0;
            fvu += LastBatchFvu;
            count++;
            if (StepsDone % _options.LogInterval != 0 && StepsDone != _options.Steps) continue;
            var entry = new TrainingLogEntry(StepsDone, (long)StepsDone * _options.BatchSize, loss / count, mse / count, sparsity / count,
                aux / count, fvu / count, l0 / count, _dead.DeadFraction, _controller.Coefficient, clock.Elapsed.TotalSeconds);
            log.Add(entry);
            onLog?.Invoke(entry);
            loss = mse = sparsity = aux = fvu = l0 = 0;
            count = 0;
        }
        return new SaeTrainingResult(ToAutoencoder(describe), log, NormScalingFactor, (long)StepsDone * _options.BatchSize, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The SAE as trained so far, with its config and the training settings recorded in cfg.json's extra fields.</summary>
    public SparseAutoencoder ToAutoencoder(Func<SaeConfig, SaeConfig>? describe = null)
    {
        var config = BuildConfig();
        return _p.ToAutoencoder(describe is null ? config : describe(config));
    }

    private SaeConfig BuildConfig()
    {
        var o = _options;
        var extra = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["trainer"] = "ProbeMonitor.Sae.Training",
            ["dataset_path"] = _data.Name,
            ["training_steps"] = StepsDone,
            ["training_tokens"] = (long)StepsDone * o.BatchSize,
            ["train_batch_size_tokens"] = o.BatchSize,
            ["lr"] = o.LearningRate,
            ["adam_beta1"] = o.AdamBeta1,
            ["adam_beta2"] = o.AdamBeta2,
            ["seed"] = o.Seed,
            ["b_dec_init_method"] = o.DecoderBiasInit.ToString(),
            ["decoder_norm_constraint"] = "unit rows; radial gradient removed before each step, rows renormalised after",
            ["dead_window_tokens"] = o.EffectiveDeadWindowTokens,
            ["dead_fraction_final"] = _dead.DeadFraction,
            ["freeze_mode"] = o.Freeze.Name(),
        };
        if (o.Freeze == FreezeMode.SoftDecoder)
        {
            extra["soft_decoder_min_cosine"] = o.SoftDecoderMinCosine;
            extra["soft_decoder_constraint"] =
                "after each Adam step and renormalisation, a W_dec row whose cosine with its random initial row is below the minimum is " +
                "projected onto the boundary of that cone (nearest unit vector); 0.8 follows Korznikov et al. 2026";
        }
        switch (o.Architecture)
        {
            case SaeArchitecture.TopK:
                extra["aux_k"] = o.EffectiveAuxK(_p.DIn);
                extra["aux_k_coefficient"] = o.AuxKCoefficient;
                break;
            case SaeArchitecture.JumpRelu:
                extra["l0_coefficient"] = _controller.Coefficient;
                extra["jumprelu_bandwidth"] = o.JumpReluBandwidth;
                extra["jumprelu_init_threshold"] = o.JumpReluInitialThreshold;
                break;
            default:
                extra["l1_coefficient"] = _controller.Coefficient;
                break;
        }
        if (o.TargetL0 is { } target) extra["target_l0"] = target;
        return new SaeConfig(o.Architecture, _p.DIn, o.Width)
        {
            K = o.K,
            ApplyBDecToInput = true,
            NormalizeActivations = _normalized ? ActivationNormalization.ExpectedAverageOnlyIn : ActivationNormalization.None,
            NormScalingFactor = _normalized ? NormScalingFactor : null,
            Extra = extra,
        };
    }

    private static void CheckResume(SparseAutoencoder sae, SaeTrainingOptions o, ActivationSource data)
    {
        var c = sae.Config;
        if (c.DIn != data.DIn)
            throw new ArgumentException($"resume: the SAE reads d_in = {c.DIn} but the activations '{data.Name}' have d_in = {data.DIn}.");
        if (c.DSae != o.Width) throw new ArgumentException($"resume: the SAE has {c.DSae} latents but --width is {o.Width}.");
        if (c.Architecture != o.Architecture) throw new ArgumentException($"resume: the SAE is {c.Architecture} but --arch is {o.Architecture}.");
        if (c.K != o.K) throw new ArgumentException($"resume: the SAE has k = {c.K} but --k is {o.K}.");
        if (!c.ApplyBDecToInput) throw new ArgumentException("resume: the SAE does not subtract b_dec from its input (apply_b_dec_to_input false); this trainer always does.");
    }
}
