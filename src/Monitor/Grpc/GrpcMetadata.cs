using System.Collections;
using System.Text;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Custom metadata of a call (headers or trailers): ASCII entries, and binary entries whose keys end in "-bin" (base64 on the wire).</summary>
/// <remarks>Keys are lower-case [0-9a-z_.-]; "grpc-" keys are reserved for the protocol and rejected, as are HTTP transport headers.</remarks>
public sealed class GrpcMetadata : IEnumerable<GrpcMetadata.Entry>
{
    /// <summary>The suffix that marks a binary entry.</summary>
    public const string BinarySuffix = "-bin";

    /// <summary>One key/value pair; exactly one of <see cref="Value"/> and <see cref="ValueBytes"/> is set.</summary>
    public sealed record Entry(string Key, string? Value, byte[]? ValueBytes)
    {
        /// <summary>Whether this is a "-bin" entry.</summary>
        public bool IsBinary => ValueBytes is not null;
    }

    // HTTP/2 transport headers that travel beside gRPC metadata but are not part of it.
    private static readonly HashSet<string> TransportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "content-encoding", "te", "host", "user-agent", "accept-encoding",
        "connection", "transfer-encoding", "upgrade", "keep-alive", "proxy-connection", "date", "server", "trailer",
    };

    private readonly List<Entry> _entries = [];

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds an ASCII entry; the value must be printable ASCII (0x20–0x7E).</summary>
    public GrpcMetadata Add(string key, string value)
    {
        key = ValidateKey(key);
        if (key.EndsWith(BinarySuffix, StringComparison.Ordinal))
            throw new ArgumentException($"Metadata key '{key}' ends in '{BinarySuffix}', so its value must be bytes.", nameof(key));
        foreach (char c in value)
            if (c is < ' ' or > '~')
                throw new ArgumentException($"Metadata value for '{key}' has character U+{(int)c:X4}; ASCII values must be printable ASCII (use a '-bin' key for bytes).", nameof(value));
        _entries.Add(new Entry(key, value, null));
        return this;
    }

    /// <summary>Adds a binary entry; the key must end in "-bin".</summary>
    public GrpcMetadata Add(string key, byte[] value)
    {
        key = ValidateKey(key);
        if (!key.EndsWith(BinarySuffix, StringComparison.Ordinal))
            throw new ArgumentException($"Binary metadata key '{key}' must end in '{BinarySuffix}'.", nameof(key));
        _entries.Add(new Entry(key, null, value.ToArray()));
        return this;
    }

    /// <summary>The last ASCII value under the key, or null.</summary>
    public string? GetValue(string key) => _entries.LastOrDefault(e => e.Key == key.ToLowerInvariant() && !e.IsBinary)?.Value;

    /// <summary>The last binary value under the key, or null.</summary>
    public byte[]? GetValueBytes(string key) => _entries.LastOrDefault(e => e.Key == key.ToLowerInvariant() && e.IsBinary)?.ValueBytes;

    /// <summary>All entries under the key, in arrival order.</summary>
    public IEnumerable<Entry> GetAll(string key) => _entries.Where(e => e.Key == key.ToLowerInvariant());

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether an HTTP header name belongs to the protocol or the transport rather than to custom metadata.</summary>
    public static bool IsReservedHeader(string name) =>
        name.StartsWith(':') || name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || TransportHeaders.Contains(name);

    /// <summary>The entries as HTTP header name/value pairs; binary values are base64 without padding, as the spec asks senders to emit.</summary>
    internal IEnumerable<KeyValuePair<string, string>> ToHeaderValues()
    {
        foreach (var e in _entries)
            yield return new(e.Key, e.ValueBytes is { } bytes ? Convert.ToBase64String(bytes).TrimEnd('=') : e.Value!);
    }

    /// <summary>Collects the custom metadata from HTTP headers; values that do not decode are dropped, since metadata must never fail a call.</summary>
    internal static GrpcMetadata FromHeaders(IEnumerable<KeyValuePair<string, IEnumerable<string?>>> headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (rawName, values) in headers)
        {
            if (IsReservedHeader(rawName)) continue;
            var name = rawName.ToLowerInvariant();
            if (!IsValidKey(name)) continue;
            foreach (var value in values)
            {
                if (value is null) continue;
                if (!name.EndsWith(BinarySuffix, StringComparison.Ordinal))
                {
                    metadata._entries.Add(new Entry(name, value.Trim(), null));
                    continue;
                }
                // Duplicate binary headers may arrive joined with ',' (base64 has no commas), so split before decoding.
                foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    if (TryDecodeBase64(part, out var bytes))
                        metadata._entries.Add(new Entry(name, null, bytes));
            }
        }
        return metadata;
    }

    /// <summary>Decodes base64 with or without padding.</summary>
    internal static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var padded = (text.Length % 4) switch
        {
            2 => text + "==",
            3 => text + "=",
            _ => text,
        };
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static string ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        if (!IsValidKey(lower))
            throw new ArgumentException($"Metadata key '{key}' is invalid: it must be non-empty and use only 0-9 a-z _ - .", nameof(key));
        if (IsReservedHeader(lower))
            throw new ArgumentException($"Metadata key '{key}' is reserved for the gRPC protocol or HTTP transport.", nameof(key));
        return lower;
    }

    private static bool IsValidKey(string key)
    {
        if (key.Length == 0) return false;
        foreach (char c in key)
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'z' or '_' or '-' or '.')) return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        foreach (var e in _entries)
            sb.Append(sb.Length > 1 ? ", " : "").Append(e.Key).Append('=').Append(e.IsBinary ? Convert.ToHexString(e.ValueBytes!) : e.Value);
        return sb.Append(']').ToString();
    }
}
