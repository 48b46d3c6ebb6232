using System.Globalization;
using System.Text;
using System.Text.Json;
using ProbeMonitor.Reporting;
using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Sae.Synthetic;

/// <summary>Writes a synthetic experiment's results.json, report.md (our numbers beside the paper's) and SVG charts.</summary>
public static class SyntheticReport
{
    /// <summary>Korznikov et al. (2026), abstract: their trained SAE's explained variance on the synthetic data.</summary>
    public const double PaperExplainedVariance = 0.71;

    /// <summary>Korznikov et al. (2026), abstract: the fraction of true features that SAE recovered.</summary>
    public const double PaperRecoveredFraction = 0.09;

    /// <summary>File names written into the output folder.</summary>
    public const string ResultsFile = "results.json", ReportFile = "report.md", BarChartFile = "ev_vs_recovery.svg", CurveChartFile = "training_fvu.svg";

    /// <summary>Writes every file into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(SyntheticExperimentResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ResultsFile), Json(result));
        File.WriteAllText(Path.Combine(directory, BarChartFile), BarChart(result));
        File.WriteAllText(Path.Combine(directory, CurveChartFile), CurveChart(result));
        File.WriteAllText(Path.Combine(directory, ReportFile), Markdown(result));
    }

    /// <summary>Explained variance and recovered fraction per variant, with the paper's trained SAE beside them.</summary>
    public static string BarChart(SyntheticExperimentResult result)
    {
        var labels = result.Runs.Select(r => r.Label).Append("paper: trained").ToArray();
        var ev = result.Runs.Select(r => r.ExplainedVariance).Append(PaperExplainedVariance).ToArray();
        var rec = result.Runs.Select(r => r.Recovery.RecoveredFraction).Append(PaperRecoveredFraction).ToArray();
        return SvgChart.GroupedBars("Synthetic ground truth: reconstruction vs feature recovery", labels,
            [new SvgChart.Series("explained variance", ev), new SvgChart.Series("recovered (cos ≥ 0.9)", rec)], "fraction", 1.0);
    }

    /// <summary>Training FVU over steps, one line per variant.</summary>
    public static string CurveChart(SyntheticExperimentResult result)
    {
        var steps = result.Runs[0].Log.Select(e => (double)e.Step).ToArray();
        var series = result.Runs.Select(r => new SvgChart.Series(r.Label, r.Log.Select(e => e.Fvu).Take(steps.Length).ToArray()))
            .Where(s => s.Values.Count == steps.Length).ToArray();
        return SvgChart.Lines("Training FVU (batch, normalised inputs)", steps, series, "step", "FVU");
    }

    /// <summary>The Markdown report.</summary>
    public static string Markdown(SyntheticExperimentResult result)
    {
        var o = result.Options;
        var d = o.Data;
        var t = o.Training;
        var md = new StringBuilder();
        md.AppendLine("# Synthetic ground-truth SAE experiment").AppendLine();
        md.AppendLine("Activations are sparse non-negative combinations of known unit directions; SAEs trained on them are scored by explained");
        md.AppendLine("variance (held-out) and by feature recovery: the fraction of true directions whose best cosine with a decoder row is ≥ 0.9.");
        md.AppendLine("After Korznikov et al. (2026), *Sanity Checks for Sparse Autoencoders: Do SAEs Beat Random Baselines?*").AppendLine();
        md.AppendLine("## Setup").AppendLine();
        md.AppendLine(Invariant($"- Data: {d.Features} true features in {d.Dim} dimensions ({(double)d.Features / d.Dim:0.#}× superposition), random unit directions; "));
        md.AppendLine(Invariant($"  firing probability ∝ (rank)^−{d.PowerLawExponent} scaled to {d.Sparsity} expected active features (measured {result.DataL0:F2}); magnitudes uniform on [0, 2];"));
        md.AppendLine(Invariant($"  within-group correlation {d.Correlation} (groups of {d.GroupSize}); noise σ = {d.Noise}; seed {d.Seed}."));
        md.AppendLine(Invariant($"- Samples: {o.TrainSamples} for training, {o.EvalSamples} held out."));
        md.AppendLine(Invariant($"- SAE: {ArchitectureName(t)} width {t.Width}{(t.K is { } k ? $", k = {k}" : "")}; {t.Steps} steps × {t.BatchSize} tokens, Adam lr {t.LearningRate}, seed {t.Seed}; inputs normalised to E‖x‖ = √d; unit-norm decoder rows; AuxK α = {t.AuxKCoefficient:G3}."));
        md.AppendLine(Invariant($"- Baselines share the trained SAE's initialisation: frozen decoder (random unit rows never train), soft-frozen decoder (rows keep cosine ≥ {t.SoftDecoderMinCosine} with their random start), frozen encoder (random encoder, decoder trains)."));
        md.AppendLine().AppendLine("## Results").AppendLine();
        md.AppendLine("| SAE | explained variance | features recovered (cos ≥ 0.9) | mean best cosine | recovered, most → least frequent quartile | L0 | dead latents | train s |");
        md.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var r in result.Runs)
            md.AppendLine(Invariant($"| {r.Label} | {r.ExplainedVariance:F3} | {r.Recovery.RecoveredFraction:P1} | {r.Recovery.MeanBestCosine:F3} | {string.Join(" / ", r.RecoveredByFrequencyQuartile.Select(q => q.ToString("P0", CultureInfo.InvariantCulture)))} | {r.L0:F1} | {r.DeadFraction:P1} | {r.Seconds:F1} |"));
        md.AppendLine(Invariant($"| *paper: trained SAE (their setup)* | *{PaperExplainedVariance:F2}* | *{PaperRecoveredFraction:P0}* | – | – | – | – | – |"));
        md.AppendLine().AppendLine($"![explained variance vs recovery]({BarChartFile})").AppendLine();
        md.AppendLine($"![training FVU]({CurveChartFile})").AppendLine();
        md.AppendLine("## Reading").AppendLine();
        var trained = result.Runs.FirstOrDefault(r => r.Freeze == FreezeMode.None);
        if (trained is not null)
        {
            md.AppendLine(Invariant($"The trained SAE explains {trained.ExplainedVariance:P0} of the variance but recovers {trained.Recovery.RecoveredFraction:P0} of the true features "));
            md.AppendLine(Invariant($"(paper: {PaperExplainedVariance:P0} and {PaperRecoveredFraction:P0}). Reconstruction quality therefore says little about whether the dictionary found the generating directions."));
            var baselines = result.Runs.Where(r => r.Freeze != FreezeMode.None).ToList();
            if (baselines.Count > 0)
                md.AppendLine(Invariant($"The random baselines reach explained variance {string.Join(", ", baselines.Select(b => $"{b.ExplainedVariance:F2} ({b.Label})"))}, ")
                    + Invariant($"with recovery {string.Join(", ", baselines.Select(b => $"{b.Recovery.RecoveredFraction:P0}"))}."));
        }
        md.AppendLine().AppendLine("Only the paper's headline numbers are quoted; its exact synthetic configuration (feature count, dimension, sparsity, SAE size,");
        md.AppendLine("training length) is not reproduced here, so compare the shape (high explained variance, low recovery), not the digits.");
        return md.ToString();
    }

    /// <summary>results.json: the configuration and every variant's scores (per-feature best cosines included).</summary>
    public static string Json(SyntheticExperimentResult result)
    {
        var o = result.Options;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("data");
            json.WriteNumber("features", o.Data.Features);
            json.WriteNumber("dim", o.Data.Dim);
            json.WriteNumber("sparsity", o.Data.Sparsity);
            json.WriteNumber("measured_l0", result.DataL0);
            json.WriteNumber("power_law_exponent", o.Data.PowerLawExponent);
            json.WriteNumber("correlation", o.Data.Correlation);
            json.WriteNumber("group_size", o.Data.GroupSize);
            json.WriteNumber("noise", o.Data.Noise);
            json.WriteNumber("seed", o.Data.Seed);
            json.WriteNumber("train_samples", o.TrainSamples);
            json.WriteNumber("eval_samples", o.EvalSamples);
            json.WriteEndObject();
            json.WriteStartObject("training");
            json.WriteString("architecture", ArchitectureName(o.Training));
            json.WriteNumber("width", o.Training.Width);
            if (o.Training.K is { } k) json.WriteNumber("k", k);
            json.WriteNumber("steps", o.Training.Steps);
            json.WriteNumber("batch", o.Training.BatchSize);
            json.WriteNumber("lr", o.Training.LearningRate);
            json.WriteNumber("seed", o.Training.Seed);
            json.WriteNumber("soft_decoder_min_cosine", o.Training.SoftDecoderMinCosine);
            json.WriteEndObject();
            json.WriteStartObject("paper");
            json.WriteString("source", "Korznikov et al. 2026, arXiv:2602.14111, abstract");
            json.WriteNumber("explained_variance", PaperExplainedVariance);
            json.WriteNumber("recovered_fraction", PaperRecoveredFraction);
            json.WriteEndObject();
            json.WriteStartArray("runs");
            foreach (var r in result.Runs)
            {
                json.WriteStartObject();
                json.WriteString("variant", r.Label);
                json.WriteString("freeze", r.Freeze.Name());
                json.WriteNumber("explained_variance", r.ExplainedVariance);
                json.WriteNumber("recovered_fraction", r.Recovery.RecoveredFraction);
                json.WriteNumber("recovery_threshold", r.Recovery.Threshold);
                json.WriteNumber("mean_best_cosine", r.Recovery.MeanBestCosine);
                json.WriteStartArray("recovered_by_frequency_quartile");
                foreach (var q in r.RecoveredByFrequencyQuartile)
                    if (double.IsFinite(q)) json.WriteNumberValue(q);
                    else json.WriteNullValue();
                json.WriteEndArray();
                json.WriteNumber("l0", r.L0);
                json.WriteNumber("dead_fraction", r.DeadFraction);
                json.WriteNumber("train_seconds", r.Seconds);
                json.WriteStartArray("best_cosine_per_feature");
                foreach (var c in r.Recovery.BestCosine) json.WriteNumberValue(Math.Round(c, 5));
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string ArchitectureName(SaeTrainingOptions t) => t.Architecture switch
    {
        SaeArchitecture.TopK => "TopK",
        SaeArchitecture.JumpRelu => "JumpReLU",
        _ => "ReLU",
    };

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
