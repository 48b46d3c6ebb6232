using ProbeMonitor.Datasets;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

public sealed class GeneratorTests
{
    [Fact]
    public void Equation_problems_are_answerable_exactly_when_every_variable_is_defined()
    {
        var problems = EquationGenerator.Generate(new EquationOptions(Count: 400, Seed: 3));
        Assert.Equal(200, problems.Count(p => p.Answerable));
        foreach (var p in problems)
        {
            var defined = p.Definitions.ToDictionary(d => d.Name, d => (long)d.Value);
            Assert.Equal(p.Answerable, p.Variables.All(defined.ContainsKey));
            Assert.Equal(p.Answerable ? 0 : 1, p.Variables.Count(v => !defined.ContainsKey(v)));
            Assert.Equal(p.Expression.Split(' ').Where((_, k) => k % 2 == 0), p.Variables);
            if (p.Answerable) Assert.Equal(EvaluateIndependently(p.Expression, defined), p.Value);
            else Assert.Null(p.Value);
        }
        Assert.Equal(problems, EquationGenerator.Generate(new EquationOptions(Count: 400, Seed: 3)), new StructuralComparer());
    }

    [Fact]
    public void Equation_prompt_shows_definitions_and_question()
    {
        var set = EquationGenerator.ToLabeled(new EquationOptions(Count: 10, Seed: 1), PromptTemplates.Default);
        Assert.Equal(5, set.Positives);
        var p = EquationGenerator.Generate(new EquationOptions(Count: 10, Seed: 1))[0];
        Assert.Contains($"Context: {p.DefinitionText}\n\nQuestion: What is {p.Expression}?", set.Examples[0].Text);
        Assert.Matches(@"^[a-z] = \d+(, [a-z] = \d+)+$", p.DefinitionText);
    }

    [Fact]
    public void Celebrity_answer_is_in_the_paragraph_exactly_when_answerable()
    {
        var items = CelebrityGenerator.Generate(500, seed: 9);
        Assert.Equal(250, items.Count(i => i.Answerable));
        foreach (var item in items)
        {
            Assert.Equal(item.Answerable, item.Paragraph.Contains(item.Answer, StringComparison.Ordinal));
            Assert.StartsWith(item.Person, item.Paragraph);
            Assert.Contains(item.Person, item.Question);
            Assert.EndsWith("?", item.Question);
        }
        Assert.True(items.Select(i => i.Attribute).Distinct().Count() >= 7);
        Assert.Equal(items, CelebrityGenerator.Generate(500, seed: 9));
        var set = CelebrityGenerator.ToLabeled(20, 9, PromptTemplates.QuestionFirst);
        Assert.Equal("celebrity/question-first", set.Name);
        Assert.Equal(10, set.Positives);
    }

    /// <summary>System.Data's expression evaluator, an implementation independent of the generator's.</summary>
    private static long EvaluateIndependently(string expression, Dictionary<string, long> values)
    {
        var numeric = string.Join(" ", expression.Split(' ').Select(t => values.TryGetValue(t, out long v) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : t));
        return Convert.ToInt64(new System.Data.DataTable().Compute(numeric, null), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class StructuralComparer : IEqualityComparer<EquationProblem>
    {
        public bool Equals(EquationProblem? a, EquationProblem? b) =>
            a!.Expression == b!.Expression && a.DefinitionText == b.DefinitionText && a.Answerable == b.Answerable && a.Value == b.Value;

        public int GetHashCode(EquationProblem p) => p.Expression.GetHashCode();
    }
}
