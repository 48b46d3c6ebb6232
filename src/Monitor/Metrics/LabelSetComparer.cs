using System.Runtime.CompilerServices;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Compares label sets with each other and, without allocating, with a measurement's raw tag span.</summary>
/// <remarks>
/// The alternate comparison lets a <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/> keyed by
/// <see cref="LabelSet"/> be probed with the tags exactly as <see cref="System.Diagnostics.Metrics.MeterListener"/> hands them
/// over, so a repeated tag set costs a hash and a compare, not a new key. The common case (valid key, string value) needs no
/// buffer; other tags go through a helper that formats into stack memory.
/// </remarks>
public sealed class LabelSetComparer :
    IEqualityComparer<LabelSet>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, LabelSet>
{
    /// <summary>The only instance; the comparer has no state.</summary>
    public static LabelSetComparer Instance { get; } = new();

    private LabelSetComparer()
    {
    }

    /// <inheritdoc/>
    public bool Equals(LabelSet? x, LabelSet? y) => x is null ? y is null : x.Equals(y);

    /// <inheritdoc/>
    public int GetHashCode(LabelSet obj) => obj.GetHashCode();

    /// <summary>Equal to <c>LabelSet.FromTags(tags).GetHashCode()</c> whenever the tags carry no duplicate label name.</summary>
    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int hash = 0;
        foreach (ref readonly var tag in tags)
        {
            var key = tag.Key ?? "";
            hash = unchecked(hash + (tag.Value is string value && MetricNaming.IsValidLabelName(key)
                ? LabelSet.PairHash(key, value)
                : PairHashFormatted(tag)));
        }
        return hash;
    }

    /// <summary>Whether the tags are exactly the labels of <paramref name="labels"/> (in any order).</summary>
    /// <remarks>Tags with a duplicate label name never match; they take the slow path that canonicalises them.</remarks>
    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> tags, LabelSet labels)
    {
        if (tags.Length != labels.Count) return false;
        if (tags.Length > 64) return LabelSet.FromTags(tags).Equals(labels);
        ulong matched = 0;
        for (int i = 0; i < tags.Length; i++)
        {
            ref readonly var tag = ref tags[i];
            var key = tag.Key ?? "";
            int j = tag.Value is string value && MetricNaming.IsValidLabelName(key)
                ? MatchPlain(key, value, labels, i)
                : MatchFormatted(tag, labels, i);
            if (j < 0 || (matched & (1UL << j)) != 0) return false;
            matched |= 1UL << j;
        }
        return true;
    }

    /// <inheritdoc/>
    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags) => LabelSet.FromTags(tags);

    private static int MatchPlain(string name, string value, LabelSet labels, int hint)
    {
        int j = labels.IndexOfName(name, hint);
        return j >= 0 && string.Equals(labels.ValueAt(j), value, StringComparison.Ordinal) ? j : -1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int MatchFormatted(in KeyValuePair<string, object?> tag, LabelSet labels, int hint)
    {
        Span<char> nameBuffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        Span<char> valueBuffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        var name = SanitizedName(tag.Key ?? "", nameBuffer);
        var value = LabelValueFormatter.Render(tag.Value, valueBuffer, out _);
        int j = labels.IndexOfName(name, hint);
        return j >= 0 && value.SequenceEqual(labels.ValueAt(j)) ? j : -1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int PairHashFormatted(in KeyValuePair<string, object?> tag)
    {
        Span<char> nameBuffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        Span<char> valueBuffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        var name = SanitizedName(tag.Key ?? "", nameBuffer);
        var value = LabelValueFormatter.Render(tag.Value, valueBuffer, out _);
        return LabelSet.PairHash(name, value);
    }

    private static ReadOnlySpan<char> SanitizedName(string key, Span<char> buffer)
    {
        if (MetricNaming.IsValidLabelName(key)) return key;
        if (MetricNaming.SanitizedLabelNameLength(key) > buffer.Length) return MetricNaming.SanitizeLabelName(key);
        return buffer[..MetricNaming.WriteSanitizedLabelName(key, buffer)];
    }
}
