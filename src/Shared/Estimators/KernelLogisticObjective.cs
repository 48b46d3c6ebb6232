using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using ProbeMonitor.Estimators.Optimization;

namespace ProbeMonitor.Estimators;

/// <summary>
/// <see cref="LogisticObjective"/>'s f(w, b) = Σᵢ logloss(yᵢ, x′ᵢ·w + b) + ‖w‖²/(2C) with w = X′ᵀα, on the representation
/// θ = [α, Kα, b] (K = X′X′ᵀ, n × n): the logits are Kα + b for free, and the gradient (Xᵀ(r + α/C), Σr) is again of the form
/// X′ᵀβ, represented by [β, Kβ] with β = r + α/C. A line-search trial costs O(n); each accepted point one K·β product
/// (n² multiply-adds, half of K read) instead of two passes over X (2nd). It is also the <see cref="ILbfgsGeometry"/> that
/// makes L-BFGS on θ the same iteration as on (w, b).
/// </summary>
/// <remarks>
/// The primal solution of an L2-regularised loss lies in the row span of X′ (w = −C·X′ᵀr at the optimum), and every L-BFGS
/// iterate started there stays there, so nothing is approximated. The stopping test needs the largest primal gradient
/// component max|X′ᵀβ| (n·d work), which <see cref="GradientMaxNorm"/> computes only when the cheap bounds
/// ‖g‖∞ ≤ ‖g‖₂ ≤ √D·‖g‖∞ and the last measured ratio ‖g‖∞/‖g‖₂ leave the answer open. The caller keeps x pinned.
/// </remarks>
internal sealed unsafe class KernelLogisticObjective : ILbfgsGeometry
{
    private const int RecheckAfter = 8;

    private readonly int _n;
    private readonly byte[] _y;
    private readonly bool _fitIntercept;
    private readonly double[] _residuals;
    private readonly float* _x;
    private readonly int _features;
    private readonly FeatureScaling? _scaling;
    private readonly int _rowBlocks;
    private readonly int _blockRows;
    private readonly double[][] _blockSums;
    private readonly double[] _primal;
    private readonly double[] _product;
    private readonly SymmetricProduct _gramProduct;
    private readonly ParallelOptions _parallel;
    private double _ratio = double.NaN;
    private int _sinceExact;

    /// <param name="gram">K = X′X′ᵀ, [rows, rows], pinned (as <see cref="GramMatrix.Compute"/> allocates it).</param>
    /// <param name="x">The rows X [rows, features] K was computed from, for the exact gradient test and the final weights.</param>
    public KernelLogisticObjective(double[] gram, float* x, int rows, int features, ReadOnlySpan<int> y, FeatureScaling? scaling, bool fitIntercept,
        int maxDegreeOfParallelism)
    {
        if (gram.Length != (long)rows * rows) throw new ArgumentException($"KernelLogisticObjective: the Gram matrix holds {gram.Length} values, not {rows}².", nameof(gram));
        _n = rows;
        _y = new byte[rows];
        for (int i = 0; i < rows; i++) _y[i] = (byte)y[i];
        _fitIntercept = fitIntercept;
        _residuals = new double[rows];
        _x = x;
        _features = features;
        _scaling = scaling;
        _rowBlocks = Math.Clamp(rows / 128, 1, 16);
        _blockRows = (rows + _rowBlocks - 1) / _rowBlocks;
        _rowBlocks = (rows + _blockRows - 1) / _blockRows;
        _blockSums = new double[_rowBlocks][];
        _primal = new double[features];
        _product = new double[rows];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : -1 };
        _gramProduct = new SymmetricProduct(gram, rows, _parallel);
    }

    /// <summary>
    /// One evaluation at w = X′ᵀα, b (for checks): returns f, writes the gradient's representation [β, Kβ, Σr] and the
    /// primal gradient [X′ᵀβ, Σr] it stands for.
    /// </summary>
    public static double EvaluateOnce(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, FeatureScaling? scaling, double c,
        ReadOnlySpan<double> alpha, double bias, Span<double> representation, Span<double> primalGradient)
    {
        int n = y.Length;
        var gram = GramMatrix.Compute(x, features, scaling, 1);
        var kAlpha = new double[n];
        new SymmetricProduct(gram, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }).Multiply(alpha.ToArray(), kAlpha);
        var theta = new double[2 * n + 1];
        alpha.CopyTo(theta);
        kAlpha.CopyTo(theta, n);
        theta[2 * n] = bias;
        fixed (float* px = x)
        {
            var objective = new KernelLogisticObjective(gram, px, n, features, y, scaling, fitIntercept: true, 1) { InverseC = 1 / c };
            double f = objective.Evaluate(theta, representation);
            objective.CompleteGradient(representation);
            objective.PrimalVector(representation[..n], primalGradient[..features]);
            primalGradient[features] = representation[2 * n];
            return f;
        }
    }

    /// <summary>1/C, changed along a regularisation path.</summary>
    public double InverseC { get; set; } = 1.0;

    /// <summary>Length of θ: α, Kα, then the intercept when fitted.</summary>
    public int Parameters => 2 * _n + (_fitIntercept ? 1 : 0);

    /// <summary>Times the exact primal gradient (an n·d pass) was computed for the stopping test.</summary>
    public int ExactGradientChecks { get; private set; }

    /// <summary>f at θ = [α, Kα, b]; writes the gradient's representation [β, Kβ, Σr] with β = r + α/C, all but Kβ (see <see cref="CompleteGradient"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int n = _n;
        var alpha = theta[..n];
        var kAlpha = theta.Slice(n, n);
        double bias = _fitIntercept ? theta[2 * n] : 0.0;
        double loss = 0, residualSum = 0;
        for (int i = 0; i < n; i++)
        {
            double r = LogisticObjective.Residual(kAlpha[i] + bias, _y[i], ref loss);
            _residuals[i] = r;
            residualSum += r;
        }
        // β = r + α/C, then Kβ from β itself rather than Kr + Kα/C: near the optimum those two terms cancel, and their
        // rounding would leave the gradient's two halves describing slightly different vectors.
        // Kβ is left to CompleteGradient: line-search trials need only the slope ⟨g, d⟩ = β·Kd_α + ∂b·d_b, which is O(n).
        TensorPrimitives.MultiplyAdd(alpha, InverseC, _residuals, gradient[..n]);
        if (_fitIntercept) gradient[2 * n] = residualSum;
        return loss + 0.5 * InverseC * TensorPrimitives.Dot(alpha, kAlpha);
    }

    /// <summary>Kβ for the gradient's second half, at an accepted point: the one n² product per iteration.</summary>
    public void CompleteGradient(Span<double> gradient)
    {
        gradient[.._n].CopyTo(_residuals);
        _gramProduct.Multiply(_residuals, _product);
        _product.CopyTo(gradient.Slice(_n, _n));
    }

    /// <summary>⟨gradient, direction⟩ from the gradient's first half and the direction's second: needs no Kβ.</summary>
    public double Slope(ReadOnlySpan<double> gradient, ReadOnlySpan<double> direction) => Dot(gradient, direction);

    /// <summary>⟨X′ᵀa, X′ᵀb⟩ + a_b·b_b = a_αᵀ(Kb)_α + a_b·b_b (reads a's first half and b's second).</summary>
    public double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = _n;
        double dot = TensorPrimitives.Dot(a[..n], b.Slice(n, n));
        return _fitIntercept ? dot + a[2 * n] * b[2 * n] : dot;
    }

    /// <summary>max(|X′ᵀβ|∞, |Σr|), computed exactly only when the bounds and the last measured ratio cannot settle the test.</summary>
    public double GradientMaxNorm(ReadOnlySpan<double> gradient, double tolerance)
    {
        double intercept = _fitIntercept ? Math.Abs(gradient[2 * _n]) : 0.0;
        double norm = Math.Sqrt(Math.Max(0.0, Dot(gradient, gradient)));
        if (norm <= tolerance) return norm; // ‖g‖∞ ≤ ‖g‖₂: certainly converged
        double lower = Math.Max(intercept, norm / Math.Sqrt(_features + (_fitIntercept ? 1 : 0)));
        if (lower > tolerance) return lower; // ‖g‖∞ ≥ ‖g‖₂/√D: certainly not
        _sinceExact++;
        double estimate = _ratio * norm;
        if (double.IsFinite(estimate) && estimate > 1.5 * tolerance && _sinceExact < RecheckAfter) return estimate;
        PrimalVector(gradient[.._n], _primal);
        double exact = Math.Max(intercept, Math.Abs(TensorPrimitives.MaxMagnitude<double>(_primal)));
        _ratio = exact / norm;
        _sinceExact = 0;
        ExactGradientChecks++;
        return exact;
    }

    /// <summary>w = X′ᵀβ (the primal weights of α, or the primal gradient of β), in a fixed block order.</summary>
    public void PrimalVector(ReadOnlySpan<double> beta, Span<double> w)
    {
        var coefficients = beta.ToArray();
        Parallel.For(0, _rowBlocks, _parallel, block => TransposedBlock(coefficients, block));
        w.Clear();
        for (int b = 0; b < _rowBlocks; b++) TensorPrimitives.Add(w, _blockSums[b], w);
        if (_scaling is { } s)
        {
            // x′ = (x − μ)/σ, so X′ᵀβ = (Xᵀβ − μ·Σβ)/σ.
            TensorPrimitives.MultiplyAdd(s.Mean, -TensorPrimitives.Sum<double>(coefficients), w, w);
            TensorPrimitives.Divide(w, s.Scale, w);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransposedBlock(double[] beta, int block)
    {
        var sum = _blockSums[block] ??= new double[_features];
        Array.Clear(sum);
        int start = block * _blockRows, end = Math.Min(_n, start + _blockRows), d = _features;
        fixed (double* g = sum)
        {
            int i = start;
            for (; i + 4 <= end; i += 4)
                MixedPrecisionKernels.Axpy4(beta[i], beta[i + 1], beta[i + 2], beta[i + 3], _x + (long)i * d, g, d);
            for (; i < end; i++) MixedPrecisionKernels.Axpy(beta[i], _x + (long)i * d, g, d);
        }
    }
}
