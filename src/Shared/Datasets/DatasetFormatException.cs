namespace ProbeMonitor.Datasets;

/// <summary>A data file does not have the structure its loader expects; the message names the file and, where known, the line or field.</summary>
public sealed class DatasetFormatException : FormatException
{
    /// <summary>Creates the exception with a message that names the source.</summary>
    public DatasetFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the parser's own error.</summary>
    public DatasetFormatException(string message, Exception inner) : base(message, inner) { }
}
