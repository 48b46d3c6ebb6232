using ProbeMonitor.Datasets;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

public sealed class AnswerabilityLoaderTests
{
    private const string Squad = "data/answerability/squad2-dev.json.gz";
    private const string BoolQ = "data/answerability/boolq-dev.jsonl.gz";

    [SharedDataFact(Squad)]
    public void Squad_counts_match_the_published_split()
    {
        var squad = SquadLoader.Load(RepoPaths.Shared(Squad));
        Assert.Equal(6078, squad.Questions.Count);
        Assert.Equal(2910, squad.Answerable);
        Assert.Equal(3168, squad.Unanswerable);
        Assert.Equal(16, squad.Questions.Select(q => q.Title).Distinct().Count());
        var first = squad.Questions[0];
        Assert.Equal("In what country is Normandy located?", first.Question);
        Assert.Equal("Normans", first.Title);
        Assert.Contains("France", first.Answers);
        Assert.All(squad.Questions.Where(q => !q.IsImpossible), q => Assert.NotEmpty(q.Answers));
    }

    [SharedDataFact(Squad)]
    public void Squad_labels_unanswerable_as_positive_under_every_template()
    {
        var squad = SquadLoader.Load(RepoPaths.Shared(Squad));
        foreach (var template in PromptTemplates.SquadVariants)
        {
            var set = squad.ToLabeled(template);
            Assert.Equal($"squad2/{template.Name}", set.Name);
            Assert.Equal(3168, set.Positives);
            Assert.Equal("unanswerable", set.PositiveMeaning);
            for (int i = 0; i < 50; i++)
            {
                var q = squad.Questions[i];
                Assert.Equal(q.IsImpossible ? 1 : 0, set.Examples[i].Label);
                Assert.StartsWith("<start_of_turn>user\n", set.Examples[i].Text);
                Assert.EndsWith("<end_of_turn>\n<start_of_turn>model\n", set.Examples[i].Text);
                Assert.Contains(q.Question, set.Examples[i].Text);
                Assert.Contains(q.Context, set.Examples[i].Text);
            }
        }
        Assert.Equal(PromptTemplates.SquadVariants.Count, PromptTemplates.SquadVariants.Select(t => t.Name).Distinct().Count());
    }

    [SharedDataFact(BoolQ)]
    public void BoolQ_has_3270_answerable_questions_and_pairs_them_reproducibly()
    {
        var boolq = BoolQLoader.Load(RepoPaths.Shared(BoolQ));
        Assert.Equal(3270, boolq.Items.Count);
        Assert.Equal(2033, boolq.Items.Count(i => i.Answer));
        var items = BoolQAnswerability.Build(boolq.Items, seed: 17);
        Assert.Equal(1635, items.Count(i => !i.Answerable));
        for (int i = 0; i < items.Count; i++)
        {
            Assert.Equal(boolq.Items[i].Question, items[i].Question);
            if (items[i].Answerable) Assert.Equal(boolq.Items[i].Passage, items[i].Context);
            else
            {
                // The borrowed passage belongs to an article with a different title.
                var donor = boolq.Items.First(b => b.Passage == items[i].Context);
                Assert.NotEqual(boolq.Items[i].Title, donor.Title);
            }
        }
        Assert.Equal(items, BoolQAnswerability.Build(boolq.Items, seed: 17));
        Assert.NotEqual(items.Select(i => i.Answerable), BoolQAnswerability.Build(boolq.Items, seed: 18).Select(i => i.Answerable));
        var labeled = BoolQAnswerability.ToLabeled(boolq, PromptTemplates.Default, seed: 17);
        Assert.Contains("seed 17", labeled.Description);
        Assert.Equal(1635, labeled.Positives);
    }

    [Fact]
    public void Chat_template_renders_one_user_turn_without_bos()
    {
        Assert.Equal("<start_of_turn>user\nHi?<end_of_turn>\n<start_of_turn>model\n", GemmaChatTemplate.UserTurn("Hi?"));
        var item = new AnswerabilityItem("C {question}", "Q", Answerable: false);
        var text = new PromptTemplate("t", "[{context}|{question}]").Render(item);
        Assert.Equal("<start_of_turn>user\n[C {question}|Q]<end_of_turn>\n<start_of_turn>model\n", text);
        Assert.Equal(1, item.Label);
        Assert.Throws<KeyNotFoundException>(() => PromptTemplates.Named("nope"));
    }

    [Fact]
    public void Squad_loader_rejects_squad1_files()
    {
        var dir = RepoPaths.NewTempDir("pm-squad");
        try
        {
            var path = Path.Combine(dir, "v1.json");
            File.WriteAllText(path, """{"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [{"id": "1", "question": "q?", "answers": [{"text": "c"}]}]}]}]}""");
            var e = Assert.Throws<DatasetFormatException>(() => SquadLoader.Load(path));
            Assert.Contains("is_impossible", e.Message);
            Assert.Contains("question '1'", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
