namespace ProbeMonitor.Shared.Tests.Estimators;

/// <summary>A fixed text featuriser for peer tests that must not need the model: signed hashed word counts, L2-normalised.</summary>
internal static class HashedBagOfWords
{
    public static float[] Embed(IReadOnlyList<string> texts, int dim)
    {
        var x = new float[texts.Count * dim];
        for (int i = 0; i < texts.Count; i++)
        {
            var row = x.AsSpan(i * dim, dim);
            foreach (var token in Tokens(texts[i]))
            {
                uint h = Fnv1a(token);
                row[(int)(h % (uint)dim)] += (h & 0x80000000) != 0 ? -1f : 1f;
            }
            double norm = 0;
            foreach (var v in row) norm += v * v;
            if (norm > 0)
                for (int j = 0; j < dim; j++) row[j] = (float)(row[j] / Math.Sqrt(norm));
        }
        return x;
    }

    private static IEnumerable<string> Tokens(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool word = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (word && start < 0) start = i;
            else if (!word && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    private static uint Fnv1a(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h ^= c;
            h *= 16777619;
        }
        return h;
    }
}
