namespace ProbeMonitor.Statistics;

/// <summary>Argument checks shared by the metric functions, so every one rejects bad input with the same clear words.</summary>
internal static class StatisticsArguments
{
    public static void SameLength(int first, int second, string firstName, string secondName)
    {
        if (first != second)
            throw new ArgumentException($"{firstName} has {first} elements but {secondName} has {second}; they must pair up one to one.");
    }

    public static void NotEmpty(int length, string name)
    {
        if (length == 0) throw new ArgumentException($"{name} is empty.", name);
    }

    /// <summary>Counts positives and negatives, rejecting any label that is not 0 or 1 by index and value.</summary>
    public static (long Positives, long Negatives) CountBinary(ReadOnlySpan<int> labels, string name = "labels")
    {
        long positives = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            if (y == 1) positives++;
            else if (y != 0) throw new ArgumentException($"{name}[{i}] is {y}; binary labels must be 0 or 1.", name);
        }
        return (positives, labels.Length - positives);
    }

    public static void NoNaN(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (double.IsNaN(values[i])) throw new ArgumentException($"{name}[{i}] is NaN; scores must be ordered numbers.", name);
    }

    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new ArgumentException($"{name}[{i}] is {values[i]}; values must be finite.", name);
    }

    public static void Probabilities(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i];
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name}[{i}] is {p}; probabilities must lie in [0, 1].", name);
        }
    }

    public static void Probability(double value, string name)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1].");
    }

    /// <summary>Widens float scores to a fresh double array; the metric functions sort or scan doubles only.</summary>
    public static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
