using System.Buffers;

namespace ProbeMonitor.Probes;

/// <summary>A pooled float buffer owned by one scoring call and returned to the shared pool on dispose.</summary>
internal readonly struct ScratchBuffer : IDisposable
{
    private readonly float[] _array;
    private readonly int _length;

    public ScratchBuffer(int length)
    {
        _array = ArrayPool<float>.Shared.Rent(Math.Max(length, 1));
        _length = length;
    }

    public Span<float> Span => _array.AsSpan(0, _length);

    public void Dispose() => ArrayPool<float>.Shared.Return(_array);
}
