namespace ProbeMonitor.Monitoring;

/// <summary>A batch of records claimed by <see cref="SlidingWindowCounters.StartRun"/>, split into runs of one epoch each.</summary>
internal struct RecordRun
{
    private readonly long _first;
    private readonly long _perSubWindow;
    private readonly int _records;
    private readonly long _clockEpoch;
    private int _done;

    internal RecordRun(long first, long perSubWindow, int records, long clockEpoch)
    {
        (_first, _perSubWindow, _records, _clockEpoch) = (first, perSubWindow, records, clockEpoch);
        _done = 0;
    }

    /// <summary>The next run: its first record's index in the batch, its length and its epoch; false when every record is placed.</summary>
    public bool Next(out int start, out int length, out long epoch)
    {
        start = _done;
        if (_done >= _records)
        {
            (length, epoch) = (0, 0);
            return false;
        }
        if (_perSubWindow == 0)
        {
            (length, epoch) = (_records - _done, _clockEpoch);
        }
        else
        {
            long position = _first + _done;
            epoch = position / _perSubWindow;
            length = (int)Math.Min(_records - _done, (epoch + 1) * _perSubWindow - position);
        }
        _done += length;
        return true;
    }
}
