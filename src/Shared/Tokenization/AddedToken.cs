namespace ProbeMonitor.Tokenization;

/// <summary>A token from <c>added_tokens</c>: matched verbatim in the text before BPE runs, with Hugging Face's flags.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The exact text it matches.</param>
/// <param name="Special">Whether decoding with skipSpecial drops it.</param>
/// <param name="Normalized">Whether it is matched in the normalised text (true) or the raw text (false).</param>
/// <param name="LStrip">Whether whitespace on its left is swallowed by the match.</param>
/// <param name="RStrip">Whether whitespace on its right is swallowed by the match.</param>
/// <param name="SingleWord">Whether it only matches with no word character immediately before or after it.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip, bool SingleWord);
