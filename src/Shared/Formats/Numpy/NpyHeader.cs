namespace ProbeMonitor.Formats.Numpy;

/// <summary>The dictionary at the start of a .npy file: dtype descriptor, memory order and shape.</summary>
/// <remarks>
/// The header is a Python literal such as <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. Only that
/// literal subset is accepted (strings, True/False, tuples of non-negative integers); anything else is rejected, never evaluated.
/// </remarks>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>Parses the header text; errors name <paramref name="arrayName"/> and <paramref name="path"/>.</summary>
    public static NpyHeader Parse(string text, string arrayName, string? path) => new Parser(text, arrayName, path).ParseDict();

    private sealed class Parser(string text, string arrayName, string? path)
    {
        private int _pos;

        public NpyHeader ParseDict()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            SkipSpace();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _pos++; break; }
                var key = ParseString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr" when descr is null:
                        if (Peek() is '[' or '{')
                            throw Fail("structured (record) dtypes are not supported");
                        descr = ParseString();
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = ParseBool();
                        break;
                    case "shape" when shape is null:
                        shape = ParseShape();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Fail($"header gives '{key}' twice");
                    default:
                        throw Fail($"header has the unexpected key '{Clip(key)}'");
                }
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                if (Peek() == '}') { _pos++; break; }
                throw Fail($"header has '{Clip(Rest())}' where ',' or '}}' was expected");
            }
            SkipSpace();
            if (_pos != text.Length) throw Fail("header has text after its closing '}'");
            if (descr is null) throw Fail("header lacks 'descr'");
            if (fortran is null) throw Fail("header lacks 'fortran_order'");
            if (shape is null) throw Fail("header lacks 'shape'");
            return new NpyHeader(descr, fortran.Value, shape);
        }

        private string ParseString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Fail($"header has '{Clip(Rest())}' where a quoted string was expected");
            int start = ++_pos;
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\') throw Fail("header strings with escapes are not supported");
                _pos++;
            }
            if (_pos >= text.Length) throw Fail("header has an unterminated string");
            return text[start.._pos++];
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0) { _pos += 4; return true; }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0) { _pos += 5; return false; }
            throw Fail($"'fortran_order' is '{Clip(Rest())}', not True or False");
        }

        private long[] ParseShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _pos++; return dims.ToArray(); }
                dims.Add(ParseDimension());
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                if (Peek() == ')') { _pos++; return dims.ToArray(); }
                throw Fail($"'shape' has '{Clip(Rest())}' where ',' or ')' was expected");
            }
        }

        private long ParseDimension()
        {
            if (Peek() == '-') throw Fail("'shape' has a negative dimension");
            if (!char.IsAsciiDigit(Peek())) throw Fail($"'shape' has '{Clip(Rest())}' where an integer was expected");
            long value = 0;
            while (char.IsAsciiDigit(Peek()))
            {
                int digit = text[_pos++] - '0';
                if (value > (long.MaxValue - digit) / 10) throw Fail("'shape' has a dimension too large for 64 bits");
                value = value * 10 + digit;
            }
            if (Peek() == 'L') _pos++; // Python 2 wrote long integers as 3L
            return value;
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Fail($"header has '{Clip(Rest())}' where '{c}' was expected");
            _pos++;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
        }

        private string Rest() => _pos < text.Length ? text[_pos..] : "end of header";

        private static string Clip(string s) => s.Length <= 20 ? s : s[..20] + "…";

        private TensorFormatException Fail(string problem) => new(path, arrayName, problem);
    }
}
