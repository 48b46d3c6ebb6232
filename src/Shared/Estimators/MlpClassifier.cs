using ProbeMonitor.Kernels;

namespace ProbeMonitor.Estimators;

/// <summary>
/// Trains <see cref="MlpModel"/> with mini-batch Adam on the mean log-loss plus sklearn's L2 term, with hand-written
/// back-propagation; both matrix products go through the project's GEMM facade.
/// </summary>
/// <remarks>
/// Initialisation as sklearn (Glorot uniform, bound √(6/(fan_in + fan_out)), biases too). Early stopping differs in one
/// respect: it monitors validation log-loss rather than accuracy, which is smoother on small validation sets.
/// </remarks>
public static class MlpClassifier
{
    /// <summary>Fits a network; deterministic for a given seed.</summary>
    public static MlpModel Fit(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, MlpOptions? options = null)
    {
        var o = options ?? new MlpOptions();
        o.Validate();
        TrainingData.CheckBinary(x, y, features, nameof(MlpClassifier));
        var rng = new Random(o.Seed);
        var scaling = o.Standardize ? FeatureScaling.Fit(x, features) : null;
        var input = scaling?.Transform(x) ?? x.ToArray();
        var labels = y.ToArray();

        int[] trainRows, valRows = [];
        if (o.EarlyStopping)
        {
            var split = StratifiedHoldout(labels, o.ValidationFraction, rng);
            (trainRows, valRows) = (split.Train, split.Test);
            if (trainRows.Select(i => labels[i]).Distinct().Count() < 2)
                throw new SingleClassException($"{nameof(MlpClassifier)}: after holding out {valRows.Length} rows for early stopping, the training rows hold one class.");
        }
        else trainRows = Enumerable.Range(0, labels.Length).ToArray();

        int h = o.HiddenUnits, d = features;
        var net = Initialise(rng, h, d);
        var adam = new AdamState(net);
        int batch = Math.Min(o.BatchSize, trainRows.Length);
        var xb = new float[batch * d];
        var hidden = new float[batch * h];
        var dHiddenT = new float[h * batch];
        var logits = new double[batch];
        var grad = new Parameters(new float[h * d], new float[h], new float[h], 0f);

        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0, epoch = 0;
        Parameters best = net.Clone();
        while (epoch < o.MaxEpochs)
        {
            epoch++;
            rng.Shuffle(trainRows);
            for (int start = 0; start < trainRows.Length; start += batch)
            {
                int m = Math.Min(batch, trainRows.Length - start);
                for (int r = 0; r < m; r++) input.AsSpan(trainRows[start + r] * d, d).CopyTo(xb.AsSpan(r * d, d));
                var model = net.AsModel(scaling);
                model.Forward(xb.AsSpan(0, m * d), m, hidden, logits);
                Backward(net, xb, hidden, logits, labels, trainRows.AsSpan(start, m), o.L2, grad, dHiddenT, m, h, d);
                adam.Step(net, grad, o.LearningRate);
            }
            if (!o.EarlyStopping)
            {
                bestEpoch = epoch;
                continue;
            }
            double loss = LogLoss(net.AsModel(scaling), input, labels, valRows, d);
            if (loss < bestLoss - o.Tolerance)
            {
                bestLoss = loss;
                bestEpoch = epoch;
                best = net.Clone();
                sinceBest = 0;
            }
            else if (++sinceBest >= o.Patience) break;
        }
        var final = o.EarlyStopping ? best : net;
        return new MlpModel(final.W1, final.B1, final.W2, final.B2, scaling, epoch, bestEpoch, o.EarlyStopping ? bestLoss : double.NaN);
    }

    /// <summary>Mean batch loss (with sklearn's L2 term) and its gradient at a model's weights, for checking the back-propagation.</summary>
    internal static (double Loss, float[] W1, float[] B1, float[] W2, float B2) LossAndGradient(MlpModel model, float[] x, int[] y, double l2)
    {
        int m = y.Length, h = model.HiddenUnits, d = model.Features;
        var net = new Parameters(model.W1, model.B1, model.W2, model.B2);
        var hidden = new float[m * h];
        var logits = new double[m];
        model.Forward(x, m, hidden, logits);
        var grad = new Parameters(new float[h * d], new float[h], new float[h], 0f);
        Backward(net, x, hidden, logits, y, Enumerable.Range(0, m).ToArray(), l2, grad, new float[h * m], m, h, d);
        double loss = 0, squares = 0;
        for (int i = 0; i < m; i++)
        {
            double z = logits[i];
            loss += Math.Max(z, 0) - z * y[i] + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }
        foreach (var w in model.W1) squares += (double)w * w;
        foreach (var w in model.W2) squares += (double)w * w;
        return (loss / m + 0.5 * l2 * squares / m, grad.W1, grad.B1, grad.W2, grad.B2);
    }

    private static void Backward(Parameters net, float[] xb, float[] hidden, double[] logits, int[] labels, ReadOnlySpan<int> rows,
        double l2, Parameters grad, float[] dHiddenT, int m, int h, int d)
    {
        double db2 = 0;
        Array.Clear(grad.W2);
        Array.Clear(grad.B1);
        for (int r = 0; r < m; r++)
        {
            // d(mean loss)/d(logit) = (σ(z) − y)/m.
            double dz = (MlpModel.Sigmoid(logits[r]) - labels[rows[r]]) / m;
            db2 += dz;
            var a = hidden.AsSpan(r * h, h);
            for (int u = 0; u < h; u++)
            {
                grad.W2[u] += (float)(dz * a[u]);
                float da = a[u] > 0 ? (float)(dz * net.W2[u]) : 0f;
                dHiddenT[u * m + r] = da;
                grad.B1[u] += da;
            }
        }
        grad.B2 = (float)db2;
        Gemm.Multiply(dHiddenT.AsSpan(0, h * m), xb.AsSpan(0, m * d), grad.W1, h, d, m);
        float decay = (float)(l2 / m);
        for (int k = 0; k < grad.W1.Length; k++) grad.W1[k] += decay * net.W1[k];
        for (int u = 0; u < h; u++) grad.W2[u] += decay * net.W2[u];
    }

    private static double LogLoss(MlpModel model, float[] input, int[] labels, int[] rows, int d)
    {
        var x = RowSelection.Gather(input, d, rows);
        var hidden = new float[rows.Length * model.HiddenUnits];
        var logits = new double[rows.Length];
        model.Forward(x, rows.Length, hidden, logits);
        double loss = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            double z = logits[r];
            loss += Math.Max(z, 0) - z * labels[rows[r]] + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }
        return loss / rows.Length;
    }

    private static DataSplit StratifiedHoldout(int[] labels, double fraction, Random rng)
    {
        var held = new List<int>();
        foreach (int c in new[] { 0, 1 })
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            rng.Shuffle(members);
            held.AddRange(members.Take(Math.Max(1, (int)Math.Round(fraction * members.Length))));
        }
        var test = held.Order().ToArray();
        return new DataSplit(Enumerable.Range(0, labels.Length).Except(test).ToArray(), test);
    }

    private static Parameters Initialise(Random rng, int h, int d)
    {
        double hiddenBound = Math.Sqrt(6.0 / (d + h)), outputBound = Math.Sqrt(6.0 / (h + 1));
        float U(double bound) => (float)((2 * rng.NextDouble() - 1) * bound);
        var w1 = new float[h * d];
        for (int k = 0; k < w1.Length; k++) w1[k] = U(hiddenBound);
        var b1 = new float[h];
        for (int k = 0; k < h; k++) b1[k] = U(hiddenBound);
        var w2 = new float[h];
        for (int k = 0; k < h; k++) w2[k] = U(outputBound);
        return new Parameters(w1, b1, w2, U(outputBound));
    }

    /// <summary>The trainable tensors, mutable during training.</summary>
    private sealed class Parameters(float[] w1, float[] b1, float[] w2, float b2)
    {
        public float[] W1 { get; } = w1;
        public float[] B1 { get; } = b1;
        public float[] W2 { get; } = w2;
        public float B2 { get; set; } = b2;

        public Parameters Clone() => new((float[])W1.Clone(), (float[])B1.Clone(), (float[])W2.Clone(), B2);

        public MlpModel AsModel(FeatureScaling? scaling) => new(W1, B1, W2, B2, scaling, 0, 0, double.NaN);
    }

    /// <summary>Adam's moment estimates (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as sklearn).</summary>
    private sealed class AdamState(Parameters shape)
    {
        private readonly float[] _m1 = new float[shape.W1.Length], _v1 = new float[shape.W1.Length];
        private readonly float[] _mb1 = new float[shape.B1.Length], _vb1 = new float[shape.B1.Length];
        private readonly float[] _m2 = new float[shape.W2.Length], _v2 = new float[shape.W2.Length];
        private float _mb2, _vb2;
        private int _t;

        public void Step(Parameters p, Parameters g, double learningRate)
        {
            _t++;
            // sklearn folds the bias corrections into the step size.
            float lr = (float)(learningRate * Math.Sqrt(1 - Math.Pow(0.999, _t)) / (1 - Math.Pow(0.9, _t)));
            Update(p.W1, g.W1, _m1, _v1, lr);
            Update(p.B1, g.B1, _mb1, _vb1, lr);
            Update(p.W2, g.W2, _m2, _v2, lr);
            _mb2 = 0.9f * _mb2 + 0.1f * g.B2;
            _vb2 = 0.999f * _vb2 + 0.001f * g.B2 * g.B2;
            p.B2 -= lr * _mb2 / (MathF.Sqrt(_vb2) + 1e-8f);
        }

        private static void Update(float[] p, float[] g, float[] m, float[] v, float lr)
        {
            for (int k = 0; k < p.Length; k++)
            {
                m[k] = 0.9f * m[k] + 0.1f * g[k];
                v[k] = 0.999f * v[k] + 0.001f * g[k] * g[k];
                p[k] -= lr * m[k] / (MathF.Sqrt(v[k]) + 1e-8f);
            }
        }
    }
}
