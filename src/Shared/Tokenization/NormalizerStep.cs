namespace ProbeMonitor.Tokenization;

/// <summary>One step of the normaliser; Gemma's file uses a single Replace of " " by "▁".</summary>
internal abstract record NormalizerStep
{
    /// <summary>Applies the step.</summary>
    public abstract string Apply(string text);
}

/// <summary>Hugging Face's Replace normaliser with a literal (not regex) pattern.</summary>
internal sealed record ReplaceNormalizer(string Pattern, string Content) : NormalizerStep
{
    /// <inheritdoc/>
    public override string Apply(string text) => text.Replace(Pattern, Content, StringComparison.Ordinal);
}

/// <summary>Hugging Face's Prepend normaliser: prefixes non-empty text (older Gemma files use it for the dummy prefix).</summary>
internal sealed record PrependNormalizer(string Prefix) : NormalizerStep
{
    /// <inheritdoc/>
    public override string Apply(string text) => text.Length == 0 ? text : Prefix + text;
}
