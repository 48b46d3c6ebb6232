namespace ProbeMonitor.Estimators;

/// <summary>Settings of <see cref="MlpClassifier"/>, defaulted like scikit-learn's MLPClassifier(hidden_layer_sizes=(100,), solver='adam').</summary>
/// <param name="HiddenUnits">Width of the single ReLU hidden layer.</param>
/// <param name="LearningRate">Adam step size.</param>
/// <param name="L2">Weight penalty α: adds α/2·‖W‖² per batch, divided by the batch size as sklearn does.</param>
/// <param name="BatchSize">Mini-batch size (capped at the training size).</param>
/// <param name="MaxEpochs">Epoch limit.</param>
/// <param name="EarlyStopping">Hold out a stratified validation fraction and stop when its log-loss stops improving; the best weights are kept.</param>
/// <param name="ValidationFraction">Share of the training rows held out for early stopping.</param>
/// <param name="Patience">Epochs without an improvement larger than <paramref name="Tolerance"/> before stopping.</param>
/// <param name="Tolerance">Smallest improvement of the monitored loss that counts.</param>
/// <param name="Standardize">Standardise inputs (fitted on the training rows) before the network, as sklearn users do with a StandardScaler.</param>
/// <param name="Seed">Seed for initialisation, shuffling and the validation split.</param>
public sealed record MlpOptions(
    int HiddenUnits = 100,
    double LearningRate = 1e-3,
    double L2 = 1e-4,
    int BatchSize = 200,
    int MaxEpochs = 200,
    bool EarlyStopping = true,
    double ValidationFraction = 0.1,
    int Patience = 10,
    double Tolerance = 1e-4,
    bool Standardize = true,
    int Seed = 0)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (HiddenUnits < 1) throw new ArgumentOutOfRangeException(nameof(HiddenUnits), $"Mlp: HiddenUnits must be ≥ 1, got {HiddenUnits}.");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), $"Mlp: LearningRate must be positive, got {LearningRate}.");
        if (!(L2 >= 0)) throw new ArgumentOutOfRangeException(nameof(L2), $"Mlp: L2 must be ≥ 0, got {L2}.");
        if (BatchSize < 1 || MaxEpochs < 1 || Patience < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), "Mlp: BatchSize, MaxEpochs and Patience must be ≥ 1.");
        if (EarlyStopping && !(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), $"Mlp: ValidationFraction must be in (0, 1), got {ValidationFraction}.");
    }
}
