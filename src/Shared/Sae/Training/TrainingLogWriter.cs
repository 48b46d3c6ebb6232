using System.Text.Json;

namespace ProbeMonitor.Sae.Training;

/// <summary>Writes <see cref="TrainingLogEntry"/> lines as JSON Lines (training_log.jsonl), flushing each so a crash keeps what was logged.</summary>
/// <remarks>Keys are snake_case; a non-finite number (e.g. FVU of a constant batch) is written as null, since JSON has no NaN.</remarks>
public sealed class TrainingLogWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;

    /// <summary>Writes to <paramref name="stream"/>; disposes it too when <paramref name="ownsStream"/>.</summary>
    public TrainingLogWriter(Stream stream, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <summary>Creates (or truncates) a log file.</summary>
    public static TrainingLogWriter Create(string path) => new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));

    /// <summary>Appends one line.</summary>
    public void Write(TrainingLogEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using (var json = new Utf8JsonWriter(_stream))
        {
            json.WriteStartObject();
            json.WriteNumber("step", e.Step);
            json.WriteNumber("tokens", e.Tokens);
            Number(json, "loss", e.Loss);
            Number(json, "mse", e.Mse);
            Number(json, "sparsity_loss", e.SparsityLoss);
            Number(json, "aux_loss", e.AuxLoss);
            Number(json, "fvu", e.Fvu);
            Number(json, "l0", e.L0);
            Number(json, "dead_fraction", e.DeadFraction);
            Number(json, "sparsity_coefficient", e.SparsityCoefficient);
            Number(json, "elapsed_s", e.ElapsedSeconds);
            json.WriteEndObject();
        }
        _stream.WriteByte((byte)'\n');
        _stream.Flush();
    }

    /// <summary>Closes the stream if owned.</summary>
    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }
}
