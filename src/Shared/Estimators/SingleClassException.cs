namespace ProbeMonitor.Estimators;

/// <summary>Thrown when a binary estimator is given training labels of one class only; evaluation protocols catch it to skip such folds.</summary>
public sealed class SingleClassException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the estimator and the class present.</summary>
    public SingleClassException(string message) : base(message, "y") { }
}
