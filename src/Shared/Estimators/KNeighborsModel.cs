namespace ProbeMonitor.Estimators;

/// <summary>
/// A k-nearest-neighbour classifier: the training set itself. P(y = 1) is the fraction of positive labels among the K
/// nearest training rows; the hard prediction is 1 only when positives are the strict majority (sklearn breaks a tied
/// vote towards the smaller class label, 0).
/// </summary>
/// <remarks>Distances are computed in double precision by brute force; equal distances are ordered by training row, lowest first.</remarks>
public sealed class KNeighborsModel
{
    private readonly float[] _x;
    private readonly int[] _y;
    private readonly double[] _norms;

    private KNeighborsModel(float[] x, int[] y, int features, KNeighborsOptions options)
    {
        _x = x;
        _y = y;
        Features = features;
        Options = options;
        _norms = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            double s = 0;
            for (int j = 0; j < features; j++) s += (double)x[i * features + j] * x[i * features + j];
            _norms[i] = Math.Sqrt(s);
        }
    }

    /// <summary>Number of input features.</summary>
    public int Features { get; }

    /// <summary>The settings it was fitted with.</summary>
    public KNeighborsOptions Options { get; }

    /// <summary>Stores (a copy of) the training set; K must not exceed its size.</summary>
    public static KNeighborsModel Fit(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, KNeighborsOptions? options = null)
    {
        var o = options ?? new KNeighborsOptions();
        TrainingData.CheckBinary(x, y, features, nameof(KNeighborsModel));
        if (o.K < 1 || o.K > y.Length)
            throw new ArgumentOutOfRangeException(nameof(options), $"KNeighborsModel: K = {o.K} but the training set has {y.Length} rows.");
        return new KNeighborsModel(x.ToArray(), y.ToArray(), features, o);
    }

    /// <summary>P(y = 1) per query row: the positive fraction of its K nearest training rows.</summary>
    public double[] PredictProba(ReadOnlySpan<float> x)
    {
        int rows = TrainingData.RowsOf(x, Features, nameof(KNeighborsModel));
        var queries = x.ToArray();
        var result = new double[rows];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism > 0 ? Options.MaxDegreeOfParallelism : -1 };
        Parallel.For(0, rows, parallel, () => new double[_y.Length], (i, _, distances) =>
        {
            var q = queries.AsSpan(i * Features, Features);
            for (int t = 0; t < _y.Length; t++) distances[t] = Distance(q, t);
            result[i] = PositiveFraction(distances);
            return distances;
        }, _ => { });
        return result;
    }

    /// <summary>Hard labels: 1 where positives are the strict majority of the K neighbours.</summary>
    public int[] Predict(ReadOnlySpan<float> x) => PredictProba(x).Select(p => p > 0.5 ? 1 : 0).ToArray();

    /// <summary>Indices of the K nearest training rows of one query, nearest first (ties by row index).</summary>
    public int[] Neighbors(ReadOnlySpan<float> query)
    {
        if (query.Length != Features) throw new ArgumentException($"KNeighborsModel: the query has {query.Length} values, expected {Features}.", nameof(query));
        var distances = new double[_y.Length];
        for (int t = 0; t < _y.Length; t++) distances[t] = Distance(query, t);
        return Enumerable.Range(0, _y.Length).OrderBy(t => distances[t]).ThenBy(t => t).Take(Options.K).ToArray();
    }

    private double PositiveFraction(double[] distances)
    {
        // Partial selection of the K smallest (distance, index) pairs; K is small, n may be thousands.
        int k = Options.K;
        Span<int> best = k <= 256 ? stackalloc int[k] : new int[k];
        int filled = 0;
        for (int t = 0; t < distances.Length; t++)
        {
            if (filled == k && !Closer(distances, t, best[k - 1])) continue;
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && Closer(distances, t, best[pos - 1]))
            {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = t;
        }
        int positives = 0;
        foreach (int t in best) positives += _y[t];
        return (double)positives / k;
    }

    private static bool Closer(double[] distances, int a, int b) => distances[a] < distances[b] || (distances[a] == distances[b] && a < b);

    private double Distance(ReadOnlySpan<float> q, int t)
    {
        var row = _x.AsSpan(t * Features, Features);
        if (Options.Distance == NeighborDistance.Euclidean)
        {
            double s = 0;
            for (int j = 0; j < q.Length; j++)
            {
                double diff = (double)q[j] - row[j];
                s += diff * diff;
            }
            return Math.Sqrt(s);
        }
        double dot = 0, qq = 0;
        for (int j = 0; j < q.Length; j++)
        {
            dot += (double)q[j] * row[j];
            qq += (double)q[j] * q[j];
        }
        double denominator = Math.Sqrt(qq) * _norms[t];
        return denominator > 0 ? 1 - dot / denominator : 1;
    }
}
