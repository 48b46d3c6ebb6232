using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace ProbeMonitor.Estimators;

/// <summary>
/// f(w, b) = Σᵢ logloss(yᵢ, xᵢ·w + b) + ‖w‖²/(2C) and its gradient, in one fused pass over the float rows: each block of four
/// rows is dotted with w and immediately folded into Xᵀr while still in cache, so an evaluation reads the data once.
/// </summary>
/// <remarks>
/// Standardisation is applied implicitly: with u = w/σ and b' = b − μ·u the logits are x·u + b', and the gradient is
/// ((Xᵀr)ⱼ − μⱼ Σr)/σⱼ, so x is never copied. Rows are split into a fixed number of blocks, each with its own gradient
/// buffer summed in order, so the result does not depend on the thread count. The caller keeps x pinned while it lives.
/// </remarks>
internal sealed unsafe class LogisticObjective
{
    private readonly float* _x;
    private readonly int _rows;
    private readonly int _features;
    private readonly byte[] _y;
    private readonly FeatureScaling? _scaling;
    private readonly bool _fitIntercept;
    private readonly double[] _effective;
    private readonly double[][] _blockGradients;
    private readonly double[] _blockLoss;
    private readonly double[] _blockResidual;
    private readonly int _blockRows;
    private readonly ParallelOptions _parallel;
    private double _effectiveBias;

    public LogisticObjective(float* x, int rows, int features, ReadOnlySpan<int> y, FeatureScaling? scaling, bool fitIntercept, int maxDegreeOfParallelism)
    {
        _x = x;
        _rows = rows;
        _features = features;
        _y = new byte[rows];
        for (int i = 0; i < rows; i++) _y[i] = (byte)y[i];
        _scaling = scaling;
        _fitIntercept = fitIntercept;
        _effective = new double[features];
        int blocks = Math.Clamp(rows / 128, 1, 16);
        _blockRows = (rows + blocks - 1) / blocks;
        blocks = (rows + _blockRows - 1) / _blockRows;
        _blockGradients = new double[blocks][];
        for (int b = 0; b < blocks; b++) _blockGradients[b] = new double[features];
        _blockLoss = new double[blocks];
        _blockResidual = new double[blocks];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : -1 };
    }

    /// <summary>One evaluation on unpinned data (for checks; fitting keeps one objective over a pinned span).</summary>
    public static double EvaluateOnce(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, FeatureScaling? scaling, double c,
        ReadOnlySpan<double> theta, Span<double> gradient, int maxDegreeOfParallelism = 1)
    {
        fixed (float* px = x)
        {
            var objective = new LogisticObjective(px, y.Length, features, y, scaling, theta.Length > features, maxDegreeOfParallelism) { InverseC = 1 / c };
            return objective.Evaluate(theta, gradient);
        }
    }

    /// <summary>1/C, changed along a regularisation path.</summary>
    public double InverseC { get; set; } = 1.0;

    /// <summary>Number of parameters: the weights, then the intercept when fitted.</summary>
    public int Parameters => _features + (_fitIntercept ? 1 : 0);

    /// <summary>Evaluations so far (each one pass over the data).</summary>
    public int Evaluations { get; private set; }

    /// <summary>The objective at θ = [w, b]; writes its gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Evaluations++;
        var w = theta[.._features];
        double bias = _fitIntercept ? theta[_features] : 0.0;
        SetEffective(w, bias);

        int blocks = _blockGradients.Length;
        if (blocks == 1) RunBlock(0);
        else Parallel.For(0, blocks, _parallel, RunBlock);

        double loss = 0, residual = 0;
        var g = gradient[.._features];
        g.Clear();
        for (int b = 0; b < blocks; b++)
        {
            loss += _blockLoss[b];
            residual += _blockResidual[b];
            TensorPrimitives.Add(g, _blockGradients[b], g);
        }
        if (_scaling is { } s)
        {
            // ∂/∂wⱼ of logits xᵢ·u + b' is (xᵢⱼ − μⱼ)/σⱼ.
            TensorPrimitives.MultiplyAdd(s.Mean, -residual, g, g);
            TensorPrimitives.Divide(g, s.Scale, g);
        }
        TensorPrimitives.MultiplyAdd(w, InverseC, g, g);
        if (_fitIntercept) gradient[_features] = residual;
        return loss + 0.5 * InverseC * TensorPrimitives.Dot(w, w);
    }

    private void SetEffective(ReadOnlySpan<double> w, double bias)
    {
        if (_scaling is { } s)
        {
            TensorPrimitives.Divide(w, s.Scale, _effective);
            _effectiveBias = bias - TensorPrimitives.Dot<double>(s.Mean, _effective);
        }
        else
        {
            w.CopyTo(_effective);
            _effectiveBias = bias;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBlock(int block)
    {
        int start = block * _blockRows, end = Math.Min(_rows, start + _blockRows), d = _features;
        var g = _blockGradients[block];
        Array.Clear(g);
        double loss = 0, residual = 0, bias = _effectiveBias;
        fixed (double* u = _effective)
        fixed (double* gp = g)
        {
            int i = start;
            for (; i + 4 <= end; i += 4)
            {
                float* row = _x + (long)i * d;
                MixedPrecisionKernels.Dot4(row, u, d, out double z0, out double z1, out double z2, out double z3);
                double r0 = Residual(z0 + bias, _y[i], ref loss);
                double r1 = Residual(z1 + bias, _y[i + 1], ref loss);
                double r2 = Residual(z2 + bias, _y[i + 2], ref loss);
                double r3 = Residual(z3 + bias, _y[i + 3], ref loss);
                residual += (r0 + r1) + (r2 + r3);
                MixedPrecisionKernels.Axpy4(r0, r1, r2, r3, row, gp, d);
            }
            for (; i < end; i++)
            {
                float* row = _x + (long)i * d;
                double r = Residual(MixedPrecisionKernels.Dot(row, u, d) + bias, _y[i], ref loss);
                residual += r;
                MixedPrecisionKernels.Axpy(r, row, gp, d);
            }
        }
        _blockLoss[block] = loss;
        _blockResidual[block] = residual;
    }

    /// <summary>Adds the log-loss of logit z for label y and returns the residual σ(z) − y.</summary>
    internal static double Residual(double z, byte y, ref double loss)
    {
        if (z > 0)
        {
            double e = Math.Exp(-z);
            loss += (1 - y) * z + Math.Log(1 + e);
            return 1 / (1 + e) - y;
        }
        else
        {
            double e = Math.Exp(z);
            loss += Math.Log(1 + e) - y * z;
            return e / (1 + e) - y;
        }
    }
}
