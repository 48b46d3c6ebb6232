namespace ProbeMonitor.Datasets;

/// <summary>One variable definition of an Equation problem, e.g. n = 53.</summary>
/// <param name="Name">A one-letter variable name.</param>
/// <param name="Value">Its value.</param>
public sealed record VariableDefinition(string Name, int Value);

/// <summary>A generated Equation item: definitions, an arithmetic expression, and whether every variable it uses is defined.</summary>
/// <param name="Definitions">The defined variables, in the order they are written.</param>
/// <param name="Expression">The expression asked about, e.g. "n * v + k".</param>
/// <param name="Variables">The variables the expression uses, in order of appearance.</param>
/// <param name="Answerable">True iff every used variable is defined.</param>
/// <param name="Value">The expression's value (usual precedence) when answerable, else null.</param>
public sealed record EquationProblem(IReadOnlyList<VariableDefinition> Definitions, string Expression, IReadOnlyList<string> Variables, bool Answerable, long? Value)
{
    /// <summary>"n = 53, v = 90".</summary>
    public string DefinitionText => string.Join(", ", Definitions.Select(d => $"{d.Name} = {d.Value}"));

    /// <summary>As an answerability item: the definitions are the context, "What is {expression}?" the question.</summary>
    public AnswerabilityItem ToAnswerabilityItem(int index) =>
        new(DefinitionText, $"What is {Expression}?", Answerable, Answerable ? "defined" : "undefined-variable", $"equation-{index}");
}
