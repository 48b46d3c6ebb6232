namespace ProbeMonitor.Datasets;

/// <summary>
/// Regenerates the Equation answerability set of Heindrich et al. (2025), "Do Sparse Autoencoders Generalize? A Case Study
/// of Answerability": a few variable definitions ("n = 53, v = 90"), then a question asking for the value of an expression
/// over variables; it can be computed iff every variable used is defined.
/// </summary>
/// <remarks>
/// Rebuilt from the paper's description, not its files (which are not published). Construction, all from one
/// <c>new Random(seed)</c>: answerable and unanswerable problems alternate, then the order is shuffled (exactly ⌈n/2⌉
/// answerable). Each problem defines MinDefined…MaxDefined distinct letters with values 1…MaxValue and builds an
/// expression of MinOperands…MaxOperands variables joined by +, − or *. Answerable: every operand is a defined variable.
/// Unanswerable: exactly one operand, at a random position, is a letter that is not defined; the rest are defined. The two
/// classes therefore share length, operators and definition counts; only the undefined letter tells them apart.
/// </remarks>
public static class EquationGenerator
{
    // Letters that read unambiguously as variables (no l/o/i, which look like digits; no e, often read as Euler's number).
    private const string Letters = "abcdfghjkmnpqrstuvwxyz";
    private static readonly string[] Operators = ["+", "-", "*"];

    /// <summary>Generates the problems; the same options always give the same list.</summary>
    public static IReadOnlyList<EquationProblem> Generate(EquationOptions? options = null)
    {
        var o = options ?? new EquationOptions();
        o.Validate();
        var rng = new Random(o.Seed);
        var answerable = Enumerable.Range(0, o.Count).Select(i => i % 2 == 0).ToArray();
        rng.Shuffle(answerable);
        var problems = new List<EquationProblem>(o.Count);
        foreach (bool canAnswer in answerable) problems.Add(One(rng, o, canAnswer));
        return problems;
    }

    /// <summary>The problems rendered with a prompt template (label 1 = unanswerable).</summary>
    public static LabeledDataset ToLabeled(EquationOptions options, PromptTemplate template)
    {
        var problems = Generate(options);
        return template.Apply("equation", problems.Select((p, i) => p.ToAnswerabilityItem(i)), [],
            $"Generated Equation set ({options}): label 1 = the expression uses a variable that is not defined.");
    }

    private static EquationProblem One(Random rng, EquationOptions o, bool answerable)
    {
        var letters = Letters.ToCharArray();
        rng.Shuffle(letters);
        int defined = rng.Next(o.MinDefined, o.MaxDefined + 1);
        var definitions = Enumerable.Range(0, defined).Select(k => new VariableDefinition(letters[k].ToString(), rng.Next(1, o.MaxValue + 1))).ToArray();
        int operands = rng.Next(o.MinOperands, o.MaxOperands + 1);
        var names = new string[operands];
        for (int k = 0; k < operands; k++) names[k] = definitions[rng.Next(defined)].Name;
        if (!answerable) names[rng.Next(operands)] = letters[defined + rng.Next(letters.Length - defined)].ToString();
        var ops = Enumerable.Range(0, operands - 1).Select(_ => Operators[rng.Next(Operators.Length)]).ToArray();
        var expression = string.Concat(names.Select((n, k) => k == 0 ? n : $" {ops[k - 1]} {n}"));
        long? value = answerable ? Evaluate(names.Select(n => (long)definitions.First(d => d.Name == n).Value).ToArray(), ops) : null;
        return new EquationProblem(definitions, expression, names, answerable, value);
    }

    /// <summary>Left-to-right with * binding tighter than + and −.</summary>
    private static long Evaluate(long[] values, string[] ops)
    {
        long total = 0, term = values[0];
        int sign = 1;
        for (int k = 0; k < ops.Length; k++)
        {
            if (ops[k] == "*") { term *= values[k + 1]; continue; }
            total += sign * term;
            sign = ops[k] == "+" ? 1 : -1;
            term = values[k + 1];
        }
        return total + sign * term;
    }
}
