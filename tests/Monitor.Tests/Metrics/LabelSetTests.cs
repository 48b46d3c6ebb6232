using ProbeMonitor.Monitor.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

public sealed class LabelSetTests
{
    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Fact]
    public void Tags_are_sorted_by_name_and_order_does_not_matter()
    {
        var a = LabelSet.FromTags([Tag("status", "OK"), Tag("method", "Score")]);
        var b = LabelSet.FromTags([Tag("method", "Score"), Tag("status", "OK")]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("{method=\"Score\",status=\"OK\"}", a.ToString());
    }

    [Fact]
    public void Values_compare_by_their_invariant_text()
    {
        Assert.Equal(LabelSet.FromTags([Tag("code", "200")]), LabelSet.FromTags([Tag("code", 200)]));
        Assert.Equal(LabelSet.FromTags([Tag("code", "200")]), LabelSet.FromTags([Tag("code", 200L)]));
        Assert.Equal("true", LabelSet.FromTags([Tag("flag", true)]).ValueAt(0));
        Assert.Equal("0.25", LabelSet.FromTags([Tag("x", 0.25)]).ValueAt(0));
        Assert.Equal("", LabelSet.FromTags([Tag("x", null)]).ValueAt(0));
        Assert.Equal("Friday", LabelSet.FromTags([Tag("day", DayOfWeek.Friday)]).ValueAt(0));
    }

    [Fact]
    public void Keys_that_sanitise_alike_are_merged_in_key_order()
    {
        // '.' (46) sorts before '_' (95), so "a.b"'s value comes first.
        var set = LabelSet.FromTags([Tag("a_b", "2"), Tag("a.b", "1")]);
        Assert.Equal(1, set.Count);
        Assert.Equal("a_b", set.NameAt(0));
        Assert.Equal("1;2", set.ValueAt(0));
    }

    [Fact]
    public void Span_comparison_agrees_with_the_canonical_set_on_random_tag_lists()
    {
        var comparer = LabelSetComparer.Instance;
        var rng = new Random(1234);
        string[] keys = ["method", "status", "probe", "http.route", "9x", "__r", "task"];
        object?[] values = ["OK", "", "a\"b", 200, 200L, "200", 0.5, true, null, DayOfWeek.Monday, "x\ny"];
        for (int trial = 0; trial < 500; trial++)
        {
            var tags = keys.OrderBy(_ => rng.Next()).Take(rng.Next(0, 5))
                .Select(k => Tag(k, values[rng.Next(values.Length)])).ToArray();
            var canonical = LabelSet.FromTags(tags);
            Assert.Equal(canonical.GetHashCode(), comparer.GetHashCode(tags));
            Assert.True(comparer.Equals(tags, canonical));

            var shuffled = tags.OrderBy(_ => rng.Next()).ToArray();
            Assert.Equal(canonical.GetHashCode(), comparer.GetHashCode(shuffled));
            Assert.True(comparer.Equals(shuffled, canonical));

            if (tags.Length > 0)
            {
                // Any change of one value or one key is a different set.
                var changed = (KeyValuePair<string, object?>[])tags.Clone();
                changed[0] = Tag(changed[0].Key, "changed-" + trial);
                Assert.False(comparer.Equals(changed, canonical));
                changed[0] = Tag("other_key", tags[0].Value);
                Assert.False(comparer.Equals(changed, canonical));
                Assert.False(comparer.Equals(tags[1..], canonical));
            }
        }
    }

    [Fact]
    public void Duplicate_keys_never_match_a_set_with_fewer_distinct_names()
    {
        var set = LabelSet.FromTags([Tag("a", "1"), Tag("b", "2")]);
        Assert.False(LabelSetComparer.Instance.Equals([Tag("a", "1"), Tag("a", "1")], set));
    }

    [Fact]
    public void Ordering_is_by_name_then_value_then_length()
    {
        var sets = new[]
        {
            LabelSet.Of(("b", "1")),
            LabelSet.Of(("a", "2")),
            LabelSet.Of(("a", "1"), ("b", "1")),
            LabelSet.Of(("a", "1")),
            LabelSet.Empty,
        };
        var sorted = sets.Order().Select(s => s.ToString()).ToArray();
        Assert.Equal(["{}", "{a=\"1\"}", "{a=\"1\",b=\"1\"}", "{a=\"2\"}", "{b=\"1\"}"], sorted);
    }
}
