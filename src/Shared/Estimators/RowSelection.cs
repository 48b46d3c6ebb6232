namespace ProbeMonitor.Estimators;

/// <summary>Copies selected rows of a row-major matrix or a label vector, for fitting on a split.</summary>
public static class RowSelection
{
    /// <summary>The rows <paramref name="indices"/> of x [rows, features], in that order.</summary>
    public static float[] Gather(ReadOnlySpan<float> x, int features, ReadOnlySpan<int> indices)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), $"features must be positive, got {features}.");
        int rows = x.Length / features;
        var result = new float[indices.Length * features];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            if ((uint)i >= (uint)rows) throw new ArgumentOutOfRangeException(nameof(indices), $"row index {i} is outside 0…{rows - 1}.");
            x.Slice(i * features, features).CopyTo(result.AsSpan(k * features, features));
        }
        return result;
    }

    /// <summary>The elements <paramref name="indices"/> of y, in that order.</summary>
    public static T[] Gather<T>(ReadOnlySpan<T> y, ReadOnlySpan<int> indices)
    {
        var result = new T[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            if ((uint)i >= (uint)y.Length) throw new ArgumentOutOfRangeException(nameof(indices), $"index {i} is outside 0…{y.Length - 1}.");
            result[k] = y[i];
        }
        return result;
    }
}
