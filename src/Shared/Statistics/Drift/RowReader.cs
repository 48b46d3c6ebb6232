using System.Numerics;
using System.Numerics.Tensors;

namespace ProbeMonitor.Statistics.Drift;

/// <summary>Reads rows of a row-major float or double sample matrix as doubles, optionally centred; holds the span, so it lives on the stack.</summary>
internal readonly ref struct RowReader<T> where T : unmanaged, INumberBase<T>
{
    private readonly ReadOnlySpan<T> _samples;

    public RowReader(ReadOnlySpan<T> samples, int rows, int columns)
    {
        _samples = samples;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    public void Read(int row, Span<double> destination) =>
        TensorPrimitives.ConvertTruncating<T, double>(_samples.Slice(row * Columns, Columns), destination);

    public void Centered(int row, ReadOnlySpan<double> mean, Span<double> destination)
    {
        Read(row, destination);
        TensorPrimitives.Subtract(destination, mean, destination);
    }
}
