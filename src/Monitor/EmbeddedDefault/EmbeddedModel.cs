namespace ProbeMonitor.Monitor.EmbeddedDefault;

/// <summary>A materialised embedded default: a checkpoint directory the Gemma engine loads, its tokenizer, and the committed probes.</summary>
/// <param name="ModelDirectory">Holds config.json, model.safetensors (hash verified) and tokenizer.json.</param>
/// <param name="ModelId">The model id the committed probe manifests name.</param>
/// <param name="TokenizerPath">The project-trained tokenizer.json inside <paramref name="ModelDirectory"/>.</param>
/// <param name="ProbesDirectory">The committed probe bundles (one subdirectory each), for <c>BundleDirectory.LoadAll</c>.</param>
/// <param name="HookLayer">The layer the probes read.</param>
/// <param name="ModelSha256">The verified SHA-256 of model.safetensors.</param>
public sealed record EmbeddedModel(string ModelDirectory, string ModelId, string TokenizerPath, string ProbesDirectory, int HookLayer, string ModelSha256);
