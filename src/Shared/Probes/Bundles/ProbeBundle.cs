using System.Text.Json;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Probes.Calibration;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>A loaded, verified probe bundle: manifest.json plus weights.safetensors in one directory.</summary>
/// <remarks>
/// Loading checks, in order: the manifest parses and has a known schema_version, its fields are present and valid, the
/// weights file's SHA-256 equals the manifest's, every tensor exists with the shape the manifest implies, and every weight
/// is finite. Any failure is a <see cref="ProbeBundleException"/> naming the directory. All tensors are copied into memory,
/// so the weights file is closed when Load returns. The hash guards against corruption and edits at rest; the file is
/// hashed and then opened by path, so a writer swapping it in between those two steps is not detected.
/// </remarks>
public sealed class ProbeBundle
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The weights file name <see cref="ProbeBundleWriter"/> uses.</summary>
    public const string DefaultWeightsFileName = "weights.safetensors";

    private readonly IProbe _probe;
    private readonly ICalibrator _calibrator;

    private ProbeBundle(string directoryPath, ProbeManifest manifest, IProbe probe, ICalibrator calibrator, ReferenceStatistics reference)
    {
        DirectoryPath = directoryPath;
        Manifest = manifest;
        _probe = probe;
        _calibrator = calibrator;
        Reference = reference;
    }

    /// <summary>The bundle's directory (full path).</summary>
    public string DirectoryPath { get; }

    /// <summary>The verified manifest.</summary>
    public ProbeManifest Manifest { get; }

    /// <summary>The probe id (the manifest's probe_id).</summary>
    public string ProbeId => Manifest.ProbeId;

    /// <summary>The drift reference statistics with their tensors.</summary>
    public ReferenceStatistics Reference { get; }

    /// <summary>The bundle's probe. It is built and validated during <see cref="Load"/>, immutable and thread-safe, so every call returns the same instance.</summary>
    public IProbe CreateProbe() => _probe;

    /// <summary>The bundle's calibrator (built during <see cref="Load"/>; the same instance every call).</summary>
    public ICalibrator CreateCalibrator() => _calibrator;

    /// <summary>Loads and verifies the bundle in <paramref name="directory"/>.</summary>
    /// <exception cref="ProbeBundleException">Anything is missing, malformed, inconsistent or tampered with.</exception>
    public static ProbeBundle Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var dir = Path.GetFullPath(directory);
        try
        {
            return LoadCore(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TensorFormatException)
        {
            throw new ProbeBundleException(dir, e.Message, e);
        }
    }

    private static ProbeBundle LoadCore(string dir)
    {
        if (!Directory.Exists(dir)) throw new ProbeBundleException(dir, "the directory does not exist");
        var manifestPath = Path.Combine(dir, ManifestFileName);
        if (!File.Exists(manifestPath)) throw new ProbeBundleException(dir, $"there is no {ManifestFileName}");
        var manifest = ReadManifest(dir, File.ReadAllBytes(manifestPath));

        var weights = manifest.Weights!;
        var weightsPath = Path.Combine(dir, weights.File);
        if (!File.Exists(weightsPath)) throw new ProbeBundleException(dir, $"the weights file '{weights.File}' named by the manifest does not exist");
        // One handle for the hash and the mapping: hashing the path and then opening it again would map whatever a rename
        // (how bundles are replaced, e.g. under a hot reload) put there in between, unverified.
        // (The mapping owns the stream too; disposing a FileStream twice is harmless.)
        using var stream = WeightsHash.OpenRead(weightsPath);
        var actual = WeightsHash.Compute(stream);
        if (!string.Equals(actual, weights.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ProbeBundleException(dir,
                $"{weights.File} has SHA-256 {actual} but {ManifestFileName} expects {weights.Sha256.ToLowerInvariant()}; the file was modified or corrupted");

        using var file = SafetensorsFile.Open(stream, weightsPath);
        var tensors = new BundleTensorReader(file, dir, weights.File);
        var probe = ReadProbe(dir, manifest, tensors);
        var reference = ReadReference(manifest, tensors);
        var calibrator = Calibrators.Create(manifest.Calibration.Method, manifest.Calibration.Parameters);
        return new ProbeBundle(dir, manifest, probe, calibrator, reference);
    }

    /// <summary>Parses and validates manifest bytes; <paramref name="dir"/> only labels errors.</summary>
    internal static ProbeManifest ReadManifest(string dir, byte[] bytes)
    {
        int version;
        try { version = ProbeManifestJson.ReadSchemaVersion(bytes); }
        catch (JsonException e) { throw new ProbeBundleException(dir, $"{ManifestFileName} is not a valid manifest (truncated or corrupted?): {e.Message}", e); }
        if (version != ProbeManifest.CurrentSchemaVersion)
            throw new ProbeBundleException(dir, $"{ManifestFileName} has schema_version {version}; this build reads only schema version {ProbeManifest.CurrentSchemaVersion}");

        ProbeManifest manifest;
        try { manifest = ProbeManifestJson.Deserialize(bytes); }
        catch (JsonException e) { throw new ProbeBundleException(dir, $"{ManifestFileName} does not fit schema version {version}: {e.Message}", e); }
        ManifestValidator.Validate(manifest, dir);
        return manifest;
    }

    private static IProbe ReadProbe(string dir, ProbeManifest m, BundleTensorReader tensors)
    {
        long d = m.Model.DModel;
        string byD = $"model.d_model = {d}";
        float bias = tensors.Floats(BundleTensorNames.Bias, "a scalar bias", 1)[0];
        try
        {
            if (m.Kind == ProbeKind.Dense)
            {
                var w = tensors.Floats(BundleTensorNames.Weight, byD, d);
                var mean = tensors.OptionalFloats(BundleTensorNames.InputMean, byD, d);
                var scale = tensors.OptionalFloats(BundleTensorNames.InputScale, byD, d);
                return new DenseProbe(m.ProbeId, (int)d, new DenseProbeWeights(w, bias, mean, scale));
            }

            var ids = m.LatentIds!;
            long k = ids.Length;
            string byK = $"latent_ids (k = {k})";
            string byKd = $"latent_ids (k = {k}) and model.d_model = {d}";
            var storedIds = tensors.Integers(BundleTensorNames.LatentIds, byK, k);
            for (int i = 0; i < k; i++)
                if (storedIds[i] != ids[i])
                    throw new ProbeBundleException(dir, $"tensor '{BundleTensorNames.LatentIds}'[{i}] is {storedIds[i]} but the manifest's latent_ids[{i}] is {ids[i]}");
            var sae = m.Sae!;
            return new SaeProbe(m.ProbeId, (int)d, new SaeProbeWeights(
                ids,
                tensors.Floats(BundleTensorNames.Encoder, byKd, k, d),
                tensors.Floats(BundleTensorNames.EncoderBias, byK, k),
                tensors.Floats(BundleTensorNames.Threshold, byK, k),
                tensors.Floats(BundleTensorNames.DecoderBias, byD, d),
                sae.ApplyBDecToInput,
                sae.Architecture,
                tensors.Floats(BundleTensorNames.Weight, byK, k),
                bias,
                tensors.OptionalFloats(BundleTensorNames.LatentMean, byK, k),
                tensors.OptionalFloats(BundleTensorNames.LatentScale, byK, k),
                m.Binarize));
        }
        catch (ArgumentException e)
        {
            throw new ProbeBundleException(dir, $"the probe's weights are inconsistent: {e.Message}", e);
        }
    }

    private static ReferenceStatistics ReadReference(ProbeManifest m, BundleTensorReader tensors)
    {
        var r = m.Reference;
        long d = m.Model.DModel;
        var mean = tensors.Floats(r.ActivationMeanTensor, $"model.d_model = {d}", d);
        LowRankCovarianceStatistics? covariance = null;
        if (r.Covariance is { } c)
        {
            long rank = c.Eigenvalues.Length;
            var components = tensors.Floats(c.ComponentsTensor, $"reference.covariance.eigenvalues (r = {rank}) and model.d_model = {d}", rank, d);
            covariance = new LowRankCovarianceStatistics(components, (int)rank, (int)d, c.Eigenvalues, c.ResidualVariance, c.MahalanobisSquaredP99);
        }
        return new ReferenceStatistics(r.ScoreHistogram, r.PositiveRate, mean, covariance, r.LatentFiringRates, r.NReference);
    }
}
