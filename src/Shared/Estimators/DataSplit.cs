namespace ProbeMonitor.Estimators;

/// <summary>One train/validation split as row indices into the data it was made for.</summary>
/// <param name="Train">Training rows, ascending.</param>
/// <param name="Test">Held-out rows, ascending.</param>
public sealed record DataSplit(int[] Train, int[] Test);
