namespace ProbeMonitor.Model;

/// <summary>The nine tensors of one decoder layer, by role, in HF naming.</summary>
public sealed record LayerWeights(
    WeightTensor InputLayerNorm,
    WeightTensor QProj,
    WeightTensor KProj,
    WeightTensor VProj,
    WeightTensor OProj,
    WeightTensor PostAttentionLayerNorm,
    WeightTensor PreFeedforwardLayerNorm,
    WeightTensor GateProj,
    WeightTensor UpProj,
    WeightTensor DownProj,
    WeightTensor PostFeedforwardLayerNorm);
