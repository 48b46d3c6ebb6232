using System.Globalization;
using System.Text;

namespace ProbeMonitor.Tokenization.Training;

/// <summary>Which merged tokens may exist: after any leading "▁" run, only letters, only punctuation/symbols, or a single digit.</summary>
/// <remarks>
/// With no pre-tokeniser, plain BPE learns tokens such as "▁Kingdom." or "1999" that a tokenizer of SentencePiece's lineage
/// avoids (split_by_unicode_script, split_digits: Gemma spells numbers digit by digit). Refusing merges across these classes
/// keeps the vocabulary for words, and the encoder needs no change: such merges simply never exist.
/// </remarks>
public static class CharacterClassRule
{
    private enum CharClass { Letter, Digit, Other }

    /// <summary>Whether a token of this text may be created by a merge.</summary>
    public static bool Allows(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var body = token.AsSpan().TrimStart(CharacterAlphabet.Metaspace[0]);
        if (body.IsEmpty) return true;
        CharClass? first = null;
        int runes = 0;
        foreach (var rune in body.EnumerateRunes())
        {
            var c = Classify(rune);
            if (first is null) first = c;
            else if (c != first) return false;
            runes++;
        }
        return !(first == CharClass.Digit && runes > 1);
    }

    private static CharClass Classify(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.DecimalDigitNumber => CharClass.Digit,
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
            or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            => CharClass.Letter,
        _ => CharClass.Other,
    };
}
