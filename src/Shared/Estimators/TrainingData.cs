namespace ProbeMonitor.Estimators;

/// <summary>Argument checks shared by every estimator: shapes, finiteness, binary labels with both classes present.</summary>
internal static class TrainingData
{
    /// <summary>Checks a training set: x is [y.Length, features], finite, y holds only 0/1 and both of them.</summary>
    public static void CheckBinary(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, string estimator)
    {
        int rows = y.Length;
        if (rows == 0) throw new ArgumentException($"{estimator}: the training set is empty (0 labels).", nameof(y));
        CheckMatrix(x, rows, features, estimator, "x");
        long positives = 0;
        for (int i = 0; i < rows; i++)
        {
            int label = y[i];
            if (label is not (0 or 1))
                throw new ArgumentException($"{estimator}: y[{i}] is {label}; labels must be 0 or 1.", nameof(y));
            positives += label;
        }
        if (positives == 0 || positives == rows)
            throw new SingleClassException(
                $"{estimator}: the training labels hold only class {(positives == 0 ? 0 : 1)} ({rows} samples); a binary classifier needs both classes.");
    }

    /// <summary>Checks that x is a finite [rows, features] matrix.</summary>
    public static void CheckMatrix(ReadOnlySpan<float> x, int rows, int features, string estimator, string name)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), $"{estimator}: the number of features must be positive, got {features}.");
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"{estimator}: the number of rows must be non-negative, got {rows}.");
        long expected = (long)rows * features;
        if (x.Length != expected)
            throw new ArgumentException($"{estimator}: {name} holds {x.Length} values but {rows} rows × {features} features = {expected} are expected.", name);
        int bad = IndexOfNonFinite(x);
        if (bad >= 0)
            throw new ArgumentException($"{estimator}: {name}[row {bad / features}, feature {bad % features}] is {x[bad]}; inputs must be finite (no NaN or ∞).", name);
    }

    /// <summary>Rows implied by a flat matrix, after checking it is whole and finite.</summary>
    public static int RowsOf(ReadOnlySpan<float> x, int features, string estimator, string name = "x")
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), $"{estimator}: the number of features must be positive, got {features}.");
        if (x.Length % features != 0)
            throw new ArgumentException($"{estimator}: {name} holds {x.Length} values, not a whole number of rows of {features} features.", name);
        int rows = x.Length / features;
        CheckMatrix(x, rows, features, estimator, name);
        return rows;
    }

    /// <summary>Checks that an output span has room for one value per row.</summary>
    public static void CheckOutput(int length, int rows, string estimator, string name)
    {
        if (length < rows)
            throw new ArgumentException($"{estimator}: {name} has room for {length} values but {rows} rows are scored.", name);
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
