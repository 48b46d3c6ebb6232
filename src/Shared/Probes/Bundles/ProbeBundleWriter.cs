using ProbeMonitor.Formats.Safetensors;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>Writes probe bundles atomically: everything goes to a hidden temporary sibling directory, is verified by loading it back, and is then renamed into place.</summary>
public static class ProbeBundleWriter
{
    /// <summary>Writes <paramref name="probe"/>, its manifest and reference tensors as a bundle in <paramref name="directory"/>.</summary>
    /// <param name="directory">The bundle directory to create.</param>
    /// <param name="manifest">The manifest; its weights section is replaced by the written file's name and SHA-256.</param>
    /// <param name="probe">A <see cref="DenseProbe"/> or <see cref="SaeProbe"/> matching the manifest.</param>
    /// <param name="reference">The reference tensors the manifest's reference section names.</param>
    /// <param name="overwrite">Whether to replace an existing directory. Replacement is two renames (old out, new in), so
    /// a reader racing it may briefly find no bundle, but never a partial one.</param>
    /// <returns>The manifest as written, with its weights section.</returns>
    /// <exception cref="ProbeBundleException">The manifest is invalid or disagrees with the probe or tensors, or the directory exists and <paramref name="overwrite"/> is false.</exception>
    public static ProbeManifest Write(string directory, ProbeManifest manifest, IProbe probe, ReferenceTensors reference, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(reference);
        var dir = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (!overwrite && (Directory.Exists(dir) || File.Exists(dir)))
            throw new ProbeBundleException(dir, "the directory already exists (pass overwrite: true to replace it)");

        var final = manifest with { Weights = new ManifestWeights(ProbeBundle.DefaultWeightsFileName, new string('0', 64)) };
        ManifestValidator.Validate(final, dir);
        CheckProbeMatches(dir, final, probe);
        var tensors = ProbeTensors(probe);
        tensors.AddRange(ReferenceTensorsToWrite(dir, final, reference));

        var parent = Path.GetDirectoryName(dir) ?? throw new ProbeBundleException(dir, "a bundle cannot be the file-system root");
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(dir);
        var temp = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var weightsPath = Path.Combine(temp, ProbeBundle.DefaultWeightsFileName);
            SafetensorsWriter.Write(weightsPath, tensors, new Dictionary<string, string> { ["probe_id"] = final.ProbeId });
            FlushToDisk(weightsPath);
            final = final with { Weights = new ManifestWeights(ProbeBundle.DefaultWeightsFileName, WeightsHash.Compute(weightsPath)) };
            var manifestPath = Path.Combine(temp, ProbeBundle.ManifestFileName);
            File.WriteAllBytes(manifestPath, ProbeManifestJson.Serialize(final));
            FlushToDisk(manifestPath);

            ProbeBundle.Load(temp); // what we publish must load
            Publish(temp, dir, parent, name);
            return final;
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static void Publish(string temp, string dir, string parent, string name)
    {
        if (!Directory.Exists(dir))
        {
            Directory.Move(temp, dir);
            return;
        }
        var old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
        Directory.Move(dir, old);
        Directory.Move(temp, dir);
        Directory.Delete(old, recursive: true);
    }

    private static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    private static void CheckProbeMatches(string dir, ProbeManifest m, IProbe probe)
    {
        void Fail(string problem) => throw new ProbeBundleException(dir, $"the probe disagrees with the manifest: {problem}");
        if (probe.Id != m.ProbeId) Fail($"probe id '{probe.Id}' but probe_id '{m.ProbeId}'");
        if (probe.Kind != m.Kind) Fail($"probe kind {probe.Kind} but kind {m.Kind}");
        if (probe.InputDim != m.Model.DModel) Fail($"input dimension {probe.InputDim} but model.d_model {m.Model.DModel}");
        if (probe is SaeProbe sae)
        {
            var p = sae.Parameters;
            if (!p.LatentIds.AsSpan().SequenceEqual(m.LatentIds)) Fail("its latent ids differ from latent_ids");
            if (p.Binarize != m.Binarize) Fail($"binarize {p.Binarize} but manifest binarize {m.Binarize}");
            if (p.Activation != m.Sae!.Architecture) Fail($"activation {p.Activation} but sae.architecture {m.Sae.Architecture}");
            if (p.ApplyDecoderBiasToInput != m.Sae.ApplyBDecToInput)
                Fail($"apply_b_dec_to_input {p.ApplyDecoderBiasToInput} but sae.apply_b_dec_to_input {m.Sae.ApplyBDecToInput}");
        }
    }

    private static List<TensorToWrite> ProbeTensors(IProbe probe)
    {
        var list = new List<TensorToWrite>();
        switch (probe)
        {
            case DenseProbe dense:
            {
                var p = dense.Parameters;
                int d = dense.InputDim;
                list.Add(TensorToWrite.Singles(BundleTensorNames.Weight, p.Weights, d));
                list.Add(TensorToWrite.Singles(BundleTensorNames.Bias, [p.Bias], 1));
                if (p.Mean is not null && p.Scale is not null)
                {
                    list.Add(TensorToWrite.Singles(BundleTensorNames.InputMean, p.Mean, d));
                    list.Add(TensorToWrite.Singles(BundleTensorNames.InputScale, p.Scale, d));
                }
                break;
            }
            case SaeProbe sae:
            {
                var p = sae.Parameters;
                int d = sae.InputDim, k = sae.LatentCount;
                list.Add(TensorToWrite.Singles(BundleTensorNames.Weight, p.Weights, k));
                list.Add(TensorToWrite.Singles(BundleTensorNames.Bias, [p.Bias], 1));
                list.Add(TensorToWrite.Int64(BundleTensorNames.LatentIds, Array.ConvertAll(p.LatentIds, v => (long)v), k));
                list.Add(TensorToWrite.Singles(BundleTensorNames.Encoder, p.Encoder, k, d));
                list.Add(TensorToWrite.Singles(BundleTensorNames.EncoderBias, p.EncoderBias, k));
                list.Add(TensorToWrite.Singles(BundleTensorNames.Threshold, p.Thresholds, k));
                list.Add(TensorToWrite.Singles(BundleTensorNames.DecoderBias, p.DecoderBias, d));
                if (p.LatentMean is not null && p.LatentScale is not null)
                {
                    list.Add(TensorToWrite.Singles(BundleTensorNames.LatentMean, p.LatentMean, k));
                    list.Add(TensorToWrite.Singles(BundleTensorNames.LatentScale, p.LatentScale, k));
                }
                break;
            }
            default:
                throw new ArgumentException($"Probe '{probe.Id}' is a {probe.GetType().Name}; only DenseProbe and SaeProbe can be written to a bundle.", nameof(probe));
        }
        return list;
    }

    private static IEnumerable<TensorToWrite> ReferenceTensorsToWrite(string dir, ProbeManifest m, ReferenceTensors reference)
    {
        int d = m.Model.DModel;
        if (reference.ActivationMean.Length != d)
            throw new ProbeBundleException(dir, $"the reference activation mean has {reference.ActivationMean.Length} values but model.d_model is {d}");
        yield return TensorToWrite.Singles(m.Reference.ActivationMeanTensor, reference.ActivationMean, d);

        var covariance = m.Reference.Covariance;
        if ((covariance is null) != (reference.CovarianceComponents is null))
            throw new ProbeBundleException(dir, "reference.covariance and the covariance components tensor must be given together");
        if (covariance is not null && reference.CovarianceComponents is { } components)
        {
            int r = covariance.Eigenvalues.Length;
            if (components.Length != (long)r * d)
                throw new ProbeBundleException(dir, $"the covariance components hold {components.Length} values but r × d_model = {r} × {d} = {(long)r * d}");
            yield return TensorToWrite.Singles(covariance.ComponentsTensor, components, r, d);
        }
    }
}
