namespace ProbeMonitor.Monitor.Inference;

/// <summary>The model seam: turns text or token ids into pooled residual-stream activations at the probes' layer.</summary>
/// <remarks>
/// <para>
/// Register one in the container (<c>services.AddSingleton&lt;IActivationSource&gt;(...)</c>, e.g. through
/// <c>MonitorApp.Build(args, configureServices)</c>) and <c>prompt</c>, <c>chat</c> and <c>token_ids</c> requests are served:
/// the sidecar tokenizes on the request thread, looks each (model, layer, pooling, token ids) up in the activation cache,
/// and sends the misses through a dynamic batcher (at most <c>--max-batch</c> sequences and <c>--max-batch-tokens</c> tokens,
/// waiting at most <c>--max-wait-ms</c>) to <see cref="ForwardAsync"/>. Without one, those requests fail with
/// FAILED_PRECONDITION and only pushed activations are scored. <see cref="GemmaActivationSource"/> implements it over the
/// Gemma-2 engine; <c>MonitorApp.Build</c> registers one for <c>--model DIR</c> unless one is registered already.
/// </para>
/// <para>Implementations must be thread-safe for <see cref="Tokenize"/> and <see cref="ApplyChatTemplate"/>; the batcher calls
/// <see cref="ForwardAsync"/> one batch at a time.</para>
/// </remarks>
public interface IActivationSource
{
    /// <summary>The model's id as probe manifests name it (e.g. google/gemma-2-2b); probes of other models are not served from it.</summary>
    string ModelId { get; }

    /// <summary>The residual width d_model.</summary>
    int DModel { get; }

    /// <summary>Tokenizes a raw prompt as the model expects it (with BOS).</summary>
    /// <exception cref="ArgumentException">The text cannot be tokenized.</exception>
    int[] Tokenize(string prompt);

    /// <summary>Applies the model's chat template to a conversation and tokenizes it.</summary>
    /// <exception cref="ArgumentException">A role is not one the template knows, or the turns are out of order.</exception>
    int[] ApplyChatTemplate(IReadOnlyList<ChatTurn> messages);

    /// <summary>Runs the sequences through the model up to <see cref="ForwardBatch.Layer"/> and pools each sequence's residual stream there.</summary>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary or a sequence is too long; the message names which.</exception>
    Task<ForwardResult> ForwardAsync(ForwardBatch batch, CancellationToken cancellationToken);
}
