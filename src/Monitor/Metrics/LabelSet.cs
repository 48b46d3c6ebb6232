using System.Text;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>A canonical Prometheus label set: sanitised names, rendered values, sorted by name, with an order-independent hash.</summary>
/// <remarks>
/// Canonical means two tag lists that would print the same labels are one key: tag order does not matter, values compare by
/// their rendered text, and tag keys that sanitise to the same label name are merged by joining their values with <c>;</c>
/// in key order (OpenTelemetry's rule), because a series may not carry one label name twice.
/// </remarks>
public sealed class LabelSet : IEquatable<LabelSet>, IComparable<LabelSet>
{
    private readonly string[] _names;
    private readonly string[] _values;
    private readonly int _hash;

    private LabelSet(string[] names, string[] values)
    {
        _names = names;
        _values = values;
        int hash = 0;
        for (int i = 0; i < values.Length; i++) hash = unchecked(hash + ValueHash(values[i]));
        _hash = hash;
    }

    /// <summary>The set with no labels.</summary>
    public static LabelSet Empty { get; } = new([], []);

    /// <summary>The number of labels.</summary>
    public int Count => _names.Length;

    /// <summary>The i-th label name in sorted order.</summary>
    public string NameAt(int index) => _names[index];

    /// <summary>The i-th label value in sorted order.</summary>
    public string ValueAt(int index) => _values[index];

    /// <summary>The canonical set for a measurement's tags.</summary>
    public static LabelSet FromTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return Empty;
        var entries = new (string Name, string Key, int Position, string Value)[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            var key = tags[i].Key ?? "";
            entries[i] = (MetricNaming.SanitizeLabelName(key), key, i, LabelValueFormatter.ToLabelValue(tags[i].Value));
        }
        return FromEntries(entries);
    }

    /// <summary>A set from literal (name, value) pairs; names are sanitised like tag keys.</summary>
    public static LabelSet Of(params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var entries = new (string Name, string Key, int Position, string Value)[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            var (name, value) = labels[i];
            ArgumentNullException.ThrowIfNull(name, nameof(labels));
            entries[i] = (MetricNaming.SanitizeLabelName(name), name, i, value ?? "");
        }
        return FromEntries(entries);
    }

    /// <summary>The hash of one label value; a set's hash is the sum over its values, so tag order cannot change it.</summary>
    /// <remarks>
    /// Names are left out on purpose: within one instrument the tag keys are nearly always the same few literals, so they
    /// add no spread, and skipping them spares the hot path sanitising and hashing every key. Equality still compares names.
    /// </remarks>
    internal static int ValueHash(ReadOnlySpan<char> value) => string.GetHashCode(value);

    /// <summary>The index of the label whose name is this very string instance, trying <paramref name="hint"/> first, or -1.</summary>
    /// <remarks>Tag keys are usually literals, and a valid key is stored as the same instance, so this settles most lookups
    /// without reading a character.</remarks>
    internal int IndexOfNameInstance(string name, int hint)
    {
        var names = _names;
        if ((uint)hint < (uint)names.Length && ReferenceEquals(names[hint], name)) return hint;
        for (int i = 0; i < names.Length; i++)
            if (ReferenceEquals(names[i], name)) return i;
        return -1;
    }

    /// <summary>The index of the label called <paramref name="name"/>, trying <paramref name="hint"/> first, or -1.</summary>
    internal int IndexOfName(ReadOnlySpan<char> name, int hint)
    {
        if ((uint)hint < (uint)_names.Length && name.SequenceEqual(_names[hint])) return hint;
        for (int i = 0; i < _names.Length; i++)
            if (name.SequenceEqual(_names[i])) return i;
        return -1;
    }

    /// <inheritdoc/>
    public bool Equals(LabelSet? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._hash != _hash || other._names.Length != _names.Length) return false;
        for (int i = 0; i < _names.Length; i++)
            if (!string.Equals(_names[i], other._names[i], StringComparison.Ordinal)
                || !string.Equals(_values[i], other._values[i], StringComparison.Ordinal))
                return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;

    /// <summary>Ordinal order over (name, value) pairs, shorter first on a common prefix: the exposition's series order.</summary>
    public int CompareTo(LabelSet? other)
    {
        if (other is null) return 1;
        int common = Math.Min(_names.Length, other._names.Length);
        for (int i = 0; i < common; i++)
        {
            int c = string.CompareOrdinal(_names[i], other._names[i]);
            if (c != 0) return c;
            c = string.CompareOrdinal(_values[i], other._values[i]);
            if (c != 0) return c;
        }
        return _names.Length.CompareTo(other._names.Length);
    }

    /// <summary>The labels as <c>{a="x",b="y"}</c>, unescaped; for diagnostics.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < _names.Length; i++)
            sb.Append(i == 0 ? "" : ",").Append(_names[i]).Append("=\"").Append(_values[i]).Append('"');
        return sb.Append('}').ToString();
    }

    private static LabelSet FromEntries((string Name, string Key, int Position, string Value)[] entries)
    {
        Array.Sort(entries, static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Name, b.Name);
            if (c == 0) c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : a.Position.CompareTo(b.Position);
        });
        var names = new List<string>(entries.Length);
        var values = new List<string>(entries.Length);
        foreach (var e in entries)
        {
            if (names.Count > 0 && names[^1] == e.Name)
                values[^1] = values[^1] + ";" + e.Value;
            else
            {
                names.Add(e.Name);
                values.Add(e.Value);
            }
        }
        return new LabelSet([.. names], [.. values]);
    }
}
