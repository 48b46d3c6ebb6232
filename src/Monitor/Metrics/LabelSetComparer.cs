using System.Runtime.CompilerServices;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Compares label sets with each other and, without allocating, with a measurement's raw tag span.</summary>
/// <remarks>
/// The alternate comparison lets a <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/> keyed by
/// <see cref="LabelSet"/> be probed with the tags exactly as <see cref="System.Diagnostics.Metrics.MeterListener"/> hands them
/// over, so a repeated tag set costs a hash and a compare, not a new key. In the common case (a literal key, a string value)
/// that is one string hash per value and reference checks for the names; other keys and values are sanitised or formatted
/// into stack memory by out-of-line helpers, still without allocating.
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
            hash = unchecked(hash + (tag.Value is string value ? LabelSet.ValueHash(value) : ValueHashFormatted(tag.Value)));
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
            int j = tag.Key is { } key ? labels.IndexOfNameInstance(key, i) : -1;
            if (j < 0) j = IndexOfSanitized(tag.Key ?? "", labels, i);
            if (j < 0 || (matched & (1UL << j)) != 0) return false;
            matched |= 1UL << j;
            bool same = tag.Value is string value
                ? string.Equals(value, labels.ValueAt(j), StringComparison.Ordinal)
                : FormattedEquals(tag.Value, labels.ValueAt(j));
            if (!same) return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags) => LabelSet.FromTags(tags);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int IndexOfSanitized(string key, LabelSet labels, int hint)
    {
        if (MetricNaming.IsValidLabelName(key)) return labels.IndexOfName(key, hint);
        int length = MetricNaming.SanitizedLabelNameLength(key);
        if (length > LabelValueFormatter.StackBufferLength) return labels.IndexOfName(MetricNaming.SanitizeLabelName(key), hint);
        Span<char> buffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        return labels.IndexOfName(buffer[..MetricNaming.WriteSanitizedLabelName(key, buffer)], hint);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool FormattedEquals(object? value, string label)
    {
        Span<char> buffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        return LabelValueFormatter.Render(value, buffer, out _).SequenceEqual(label);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ValueHashFormatted(object? value)
    {
        Span<char> buffer = stackalloc char[LabelValueFormatter.StackBufferLength];
        return LabelSet.ValueHash(LabelValueFormatter.Render(value, buffer, out _));
    }
}
