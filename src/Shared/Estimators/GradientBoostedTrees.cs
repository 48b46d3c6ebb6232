namespace ProbeMonitor.Estimators;

/// <summary>
/// Histogram-based gradient boosting for binary classification with the logistic loss: each round fits a depth-limited
/// regression tree to the loss's gradients and Hessians (Newton leaves −G/(H + λ), XGBoost/LightGBM-style split gain),
/// searching splits over per-feature quantile bins.
/// </summary>
/// <remarks>
/// Like scikit-learn's HistGradientBoostingClassifier in spirit, not in every detail: trees grow level by level to a depth
/// limit (not best-first to a leaf count), there is no histogram subtraction and no missing-value handling (NaN is rejected).
/// </remarks>
public static class GradientBoostedTrees
{
    private const double MinHessianToSplit = 1e-3;

    /// <summary>Fits the ensemble; deterministic for a given seed and independent of the thread count.</summary>
    public static GradientBoostedTreesModel Fit(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, GradientBoostingOptions? options = null)
    {
        var o = options ?? new GradientBoostingOptions();
        o.Validate();
        TrainingData.CheckBinary(x, y, features, nameof(GradientBoostedTrees));
        int n = y.Length;
        var labels = y.ToArray();
        int[] trainRows = Enumerable.Range(0, n).ToArray(), valRows = [];
        if (o.EarlyStopping)
        {
            var rng = new Random(o.Seed);
            var shuffled = Enumerable.Range(0, n).ToArray();
            rng.Shuffle(shuffled);
            int held = Math.Max(1, (int)(o.ValidationFraction * n));
            valRows = shuffled[..held].Order().ToArray();
            trainRows = shuffled[held..].Order().ToArray();
            if (trainRows.Select(i => labels[i]).Distinct().Count() < 2)
                throw new SingleClassException($"{nameof(GradientBoostedTrees)}: after holding out {held} rows for early stopping, the training rows hold one class.");
        }

        var xTrain = RowSelection.Gather(x, features, trainRows);
        var yTrain = RowSelection.Gather<int>(labels, trainRows);
        int m = yTrain.Length;
        var binning = FeatureBinning.Fit(xTrain, m, features, o.MaxBins);
        var bins = binning.BinColumns(xTrain, m);
        double rate = yTrain.Average();
        double baseline = Math.Log(rate / (1 - rate));

        var raw = Enumerable.Repeat(baseline, m).ToArray();
        var g = new double[m];
        var h = new double[m];
        var xVal = RowSelection.Gather(x, features, valRows);
        var yVal = RowSelection.Gather<int>(labels, valRows);
        var rawVal = Enumerable.Repeat(baseline, valRows.Length).ToArray();
        var trees = new List<RegressionTree>();
        var builder = new TreeBuilder(bins, binning, m, features, o);
        double bestLoss = double.PositiveInfinity;
        int bestCount = 0, sinceBest = 0;
        for (int it = 0; it < o.MaxIterations; it++)
        {
            for (int i = 0; i < m; i++)
            {
                double p = MlpModel.Sigmoid(raw[i]);
                g[i] = p - yTrain[i];
                h[i] = p * (1 - p);
            }
            var tree = builder.Build(g, h, raw);
            trees.Add(tree);
            if (!o.EarlyStopping)
            {
                bestCount = trees.Count;
                continue;
            }
            double loss = 0;
            for (int i = 0; i < rawVal.Length; i++)
            {
                rawVal[i] += tree.Predict(xVal.AsSpan(i * features, features));
                double z = rawVal[i];
                loss += Math.Max(z, 0) - z * yVal[i] + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            }
            loss /= rawVal.Length;
            if (loss < bestLoss - o.Tolerance)
            {
                bestLoss = loss;
                bestCount = trees.Count;
                sinceBest = 0;
            }
            else if (++sinceBest >= o.Patience) break;
        }
        return new GradientBoostedTreesModel(baseline, trees.Take(bestCount).ToList(), features, bestCount);
    }

    /// <summary>Grows one tree level by level over binned columns; adds its leaf values to the training logits as it goes.</summary>
    private sealed class TreeBuilder(byte[] bins, FeatureBinning binning, int rows, int features, GradientBoostingOptions o)
    {
        private readonly ParallelOptions _parallel = new() { MaxDegreeOfParallelism = o.MaxDegreeOfParallelism > 0 ? o.MaxDegreeOfParallelism : -1 };

        private sealed record Split(int Feature, int Bin, double Gain);

        public RegressionTree Build(double[] g, double[] h, double[] raw)
        {
            var feature = new List<int>();
            var threshold = new List<float>();
            var left = new List<int>();
            var right = new List<int>();
            var value = new List<double>();
            int NewNode()
            {
                feature.Add(-1); threshold.Add(0); left.Add(-1); right.Add(-1); value.Add(0);
                return feature.Count - 1;
            }

            var level = new List<(int Node, int[] Rows)> { (NewNode(), Enumerable.Range(0, rows).ToArray()) };
            for (int depth = 0; level.Count > 0; depth++)
            {
                var next = new List<(int Node, int[] Rows)>();
                foreach (var (node, members) in level)
                {
                    double G = 0, H = 0;
                    foreach (int i in members) { G += g[i]; H += h[i]; }
                    var split = depth < o.MaxDepth && members.Length >= 2 * o.MinSamplesLeaf ? BestSplit(members, g, h, G, H) : null;
                    if (split is null)
                    {
                        double v = -o.LearningRate * G / (H + o.L2Regularization);
                        value[node] = v;
                        foreach (int i in members) raw[i] += v;
                        continue;
                    }
                    int offset = split.Feature * rows;
                    var goLeft = members.Where(i => bins[offset + i] <= split.Bin).ToArray();
                    var goRight = members.Where(i => bins[offset + i] > split.Bin).ToArray();
                    int l = NewNode(), r = NewNode();
                    feature[node] = split.Feature;
                    threshold[node] = binning.Thresholds[split.Feature][split.Bin];
                    left[node] = l;
                    right[node] = r;
                    next.Add((l, goLeft));
                    next.Add((r, goRight));
                }
                level = next;
            }
            return new RegressionTree(feature.ToArray(), threshold.ToArray(), left.ToArray(), right.ToArray(), value.ToArray());
        }

        private Split? BestSplit(int[] members, double[] g, double[] h, double G, double H)
        {
            double lambda = o.L2Regularization, parent = G * G / (H + lambda);
            var best = new Split?[features];
            Parallel.For(0, features, _parallel, () => new double[3 * 256], (f, _, hist) =>
            {
                int nb = binning.Thresholds[f].Length + 1;
                if (nb < 2) return hist;
                Array.Clear(hist, 0, 3 * nb);
                var column = bins.AsSpan(f * rows, rows);
                foreach (int i in members)
                {
                    int b = column[i] * 3;
                    hist[b] += g[i];
                    hist[b + 1] += h[i];
                    hist[b + 2] += 1;
                }
                double gl = 0, hl = 0, cl = 0, bestGain = 0;
                int bestBin = -1;
                for (int b = 0; b + 1 < nb; b++)
                {
                    gl += hist[3 * b];
                    hl += hist[3 * b + 1];
                    cl += hist[3 * b + 2];
                    double cr = members.Length - cl, hr = H - hl, gr = G - gl;
                    if (cl < o.MinSamplesLeaf || hl < MinHessianToSplit) continue;
                    if (cr < o.MinSamplesLeaf || hr < MinHessianToSplit) break;
                    double gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent;
                    if (gain > bestGain) { bestGain = gain; bestBin = b; }
                }
                if (bestBin >= 0) best[f] = new Split(f, bestBin, bestGain);
                return hist;
            }, _ => { });
            Split? winner = null;
            foreach (var s in best)
                if (s is not null && s.Gain > 1e-12 && (winner is null || s.Gain > winner.Gain)) winner = s;
            return winner;
        }
    }
}
