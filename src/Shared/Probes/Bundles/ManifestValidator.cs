using ProbeMonitor.Probes.Calibration;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>Semantic checks of a parsed manifest that JSON typing cannot express; each failure names the field.</summary>
internal static class ManifestValidator
{
    public static void Validate(ProbeManifest m, string bundleDir)
    {
        void Fail(string field, string problem) => throw new ProbeBundleException(bundleDir, $"manifest field '{field}' {problem}");

        if (m.SchemaVersion != ProbeManifest.CurrentSchemaVersion)
            Fail("schema_version", $"is {m.SchemaVersion}; this build reads only schema version {ProbeManifest.CurrentSchemaVersion}");
        if (string.IsNullOrWhiteSpace(m.ProbeId)) Fail("probe_id", "is empty");
        if (string.IsNullOrWhiteSpace(m.Task)) Fail("task", "is empty");
        if (!Enum.IsDefined(m.Kind)) Fail("kind", $"has unknown value {(int)m.Kind}");

        if (string.IsNullOrWhiteSpace(m.Model.Id)) Fail("model.id", "is empty");
        if (m.Model.Layer < 0) Fail("model.layer", $"must be non-negative, got {m.Model.Layer}");
        if (string.IsNullOrWhiteSpace(m.Model.HookName)) Fail("model.hook_name", "is empty");
        if (m.Model.DModel <= 0) Fail("model.d_model", $"must be positive, got {m.Model.DModel}");

        int k = 0;
        if (m.Kind == ProbeKind.Sae)
        {
            if (m.Sae is null) Fail("sae", "is missing; an SAE probe must describe its SAE");
            if (m.LatentIds is null || m.LatentIds.Length == 0) Fail("latent_ids", "is missing or empty; an SAE probe must list its latents");
            var sae = m.Sae!;
            if (string.IsNullOrWhiteSpace(sae.Id)) Fail("sae.id", "is empty");
            if (sae.Width <= 0) Fail("sae.width", $"must be positive, got {sae.Width}");
            var seen = new HashSet<int>();
            foreach (var id in m.LatentIds!)
            {
                if (id < 0 || id >= sae.Width) Fail("latent_ids", $"contains {id}, outside the SAE's width {sae.Width}");
                if (!seen.Add(id)) Fail("latent_ids", $"contains {id} twice");
            }
            k = m.LatentIds.Length;
        }
        else
        {
            if (m.Sae is not null) Fail("sae", "must be null for a dense probe");
            if (m.LatentIds is not null) Fail("latent_ids", "must be absent for a dense probe");
            if (m.Binarize) Fail("binarize", "must be false for a dense probe");
        }

        try { Calibrators.Create(m.Calibration.Method, m.Calibration.Parameters); }
        catch (ArgumentException e) { Fail("calibration.parameters", $"is invalid: {e.Message}"); }
        Probability(m.Calibration.EceBefore, "calibration.ece_before", Fail);
        Probability(m.Calibration.EceAfter, "calibration.ece_after", Fail);

        Probability(m.Decision.Threshold, "decision.threshold", Fail);
        if (m.Decision.OperatingPoint is { } op)
        {
            Probability(op.TargetFpr, "decision.operating_point.target_fpr", Fail);
            Probability(op.Fpr, "decision.operating_point.fpr", Fail);
            Probability(op.Tpr, "decision.operating_point.tpr", Fail);
        }

        for (int i = 0; i < m.TrainingData.Length; i++)
        {
            var d = m.TrainingData[i];
            if (string.IsNullOrWhiteSpace(d.Name)) Fail($"training_data[{i}].name", "is empty");
            if (!IsSha256(d.Sha256)) Fail($"training_data[{i}].sha256", $"is '{d.Sha256}', not 64 hex digits");
            if (d.Rows < 0) Fail($"training_data[{i}].rows", $"is negative ({d.Rows})");
        }

        Probability(m.Metrics.ValAuc, "metrics.val_auc", Fail);
        Probability(m.Metrics.TestAuc, "metrics.test_auc", Fail);
        Probability(m.Metrics.TestAcc, "metrics.test_acc", Fail);
        Probability(m.Metrics.TestF1, "metrics.test_f1", Fail);

        for (int i = 0; i < m.OodTable.Length; i++)
        {
            var r = m.OodTable[i];
            string at = $"ood_table[{i}]";
            if (string.IsNullOrWhiteSpace(r.Dataset)) Fail($"{at}.dataset", "is empty");
            if (r.N < 0) Fail($"{at}.n", $"is negative ({r.N})");
            Probability(r.Auc, $"{at}.auc", Fail);
            Probability(r.AucCiLow, $"{at}.auc_ci_low", Fail);
            Probability(r.AucCiHigh, $"{at}.auc_ci_high", Fail);
            Probability(r.Acc, $"{at}.acc", Fail);
            Probability(r.F1, $"{at}.f1", Fail);
        }
        if (m.RandomBaselineMargin is { } margin && !(margin >= -1 && margin <= 1))
            Fail("random_baseline_margin", $"is {margin}, outside [-1, 1]");

        ValidateReference(m, k, Fail);

        if (string.IsNullOrWhiteSpace(m.Provenance.TrainerVersion)) Fail("provenance.trainer_version", "is empty");

        if (m.Weights is null) Fail("weights", "is missing");
        var w = m.Weights!;
        if (string.IsNullOrEmpty(w.File) || w.File != Path.GetFileName(w.File) || w.File is "." or ".." || w.File == ProbeBundle.ManifestFileName)
            Fail("weights.file", $"is '{w.File}'; it must be a plain file name inside the bundle directory");
        if (!IsSha256(w.Sha256)) Fail("weights.sha256", $"is '{w.Sha256}', not 64 hex digits");
    }

    private static void ValidateReference(ProbeManifest m, int k, Action<string, string> fail)
    {
        var r = m.Reference;
        var h = r.ScoreHistogram;
        if (h.Edges.Length < 2 || h.Counts.Length != h.Edges.Length - 1)
            fail("reference.score_histogram", $"has {h.Edges.Length} edges and {h.Counts.Length} counts; it needs n+1 edges (n ≥ 1) for n counts");
        for (int i = 0; i < h.Edges.Length; i++)
        {
            if (!double.IsFinite(h.Edges[i])) fail("reference.score_histogram.edges", $"[{i}] is {h.Edges[i]}");
            if (i > 0 && !(h.Edges[i] > h.Edges[i - 1])) fail("reference.score_histogram.edges", $"must increase strictly, but [{i - 1}]={h.Edges[i - 1]} and [{i}]={h.Edges[i]}");
        }
        for (int i = 0; i < h.Counts.Length; i++)
            if (h.Counts[i] < 0) fail("reference.score_histogram.counts", $"[{i}] is negative ({h.Counts[i]})");
        Probability(r.PositiveRate, "reference.positive_rate", fail);
        if (r.NReference < 0) fail("reference.n_reference", $"is negative ({r.NReference})");
        CheckTensorName(r.ActivationMeanTensor, "reference.activation_mean_tensor", fail);

        if (r.Covariance is { } c)
        {
            CheckTensorName(c.ComponentsTensor, "reference.covariance.components_tensor", fail);
            if (c.ComponentsTensor == r.ActivationMeanTensor)
                fail("reference.covariance.components_tensor", "names the same tensor as reference.activation_mean_tensor");
            if (c.Eigenvalues.Length == 0) fail("reference.covariance.eigenvalues", "is empty");
            for (int i = 0; i < c.Eigenvalues.Length; i++)
                if (!(c.Eigenvalues[i] >= 0) || !double.IsFinite(c.Eigenvalues[i]))
                    fail("reference.covariance.eigenvalues", $"[{i}] is {c.Eigenvalues[i]}; variances must be finite and non-negative");
            if (!(c.ResidualVariance >= 0) || !double.IsFinite(c.ResidualVariance))
                fail("reference.covariance.residual_variance", $"is {c.ResidualVariance}; it must be finite and non-negative");
            if (!(c.MahalanobisSquaredP99 >= 0) || !double.IsFinite(c.MahalanobisSquaredP99))
                fail("reference.covariance.mahalanobis_squared_p99", $"is {c.MahalanobisSquaredP99}; it must be finite and non-negative");
        }

        if (m.Kind == ProbeKind.Sae)
        {
            if (r.LatentFiringRates is null) fail("reference.latent_firing_rates", "is missing; an SAE probe must record them");
            else if (r.LatentFiringRates.Length != k)
                fail("reference.latent_firing_rates", $"has {r.LatentFiringRates.Length} values but latent_ids has {k}");
            else
                for (int i = 0; i < k; i++) Probability(r.LatentFiringRates[i], $"reference.latent_firing_rates[{i}]", fail);
        }
        else if (r.LatentFiringRates is not null)
        {
            fail("reference.latent_firing_rates", "must be absent for a dense probe");
        }
    }

    private static void CheckTensorName(string name, string field, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(name)) fail(field, "is empty");
        if (BundleTensorNames.ProbeTensors.Contains(name)) fail(field, $"is '{name}', a name reserved for the probe's own tensors");
    }

    private static void Probability(double? value, string field, Action<string, string> fail)
    {
        if (value is { } v && !(v >= 0 && v <= 1)) fail(field, $"is {v}, outside [0, 1]");
    }

    internal static bool IsSha256(string? hex) => hex is { Length: 64 } && hex.All(Uri.IsHexDigit);
}
