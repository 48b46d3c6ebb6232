namespace ProbeMonitor.Probes.Calibration;

/// <summary>Numerically stable logistic functions shared by the calibrators.</summary>
internal static class Logistic
{
    /// <summary>1 / (1 + e^−z) without overflow for large |z|.</summary>
    public static double Sigmoid(double z) =>
        z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));

    /// <summary>log(1 + e^z) without overflow: −log sigmoid(−z).</summary>
    public static double Softplus(double z) =>
        z > 0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));
}
