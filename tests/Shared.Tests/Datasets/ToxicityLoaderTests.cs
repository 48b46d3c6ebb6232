using ProbeMonitor.Datasets;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

public sealed class ToxicityLoaderTests
{
    [SharedDataFact("data/toxicity/hatecheck-en.csv.gz")]
    public void HateCheck_english_has_3728_cases()
    {
        var data = HateCheckLoader.Load(RepoPaths.Shared("data/toxicity/hatecheck-en.csv.gz"));
        Assert.Equal(3728, data.Count);
        Assert.Equal(2563, data.Positives);
        Assert.Equal(new LabeledText("I hate women. ", 1, "derog_neg_emote_h"), data.Examples[0]);
        Assert.All(data.Examples, e => Assert.DoesNotContain('\r', e.Text));
    }

    [SharedDataTheory("data/toxicity")]
    [InlineData("arabic", 3570, 2494)]
    [InlineData("dutch", 3765, 2640)]
    [InlineData("french", 3718, 2600)]
    [InlineData("german", 3645, 2550)]
    [InlineData("hindi", 3565, 2488)]
    [InlineData("italian", 3690, 2583)]
    [InlineData("mandarin", 3378, 2265)]
    [InlineData("polish", 3815, 2678)]
    [InlineData("portuguese", 3691, 2581)]
    [InlineData("spanish", 3745, 2632)]
    public void Multilingual_HateCheck_loads_each_language(string language, int rows, int hateful)
    {
        var data = HateCheckLoader.Load(RepoPaths.Shared($"data/toxicity/hatecheck-{language}.csv.gz"));
        Assert.Equal(rows, data.Count);
        Assert.Equal(hateful, data.Positives);
        Assert.Equal("derog_neg_emote_h", data.Examples[0].Group);
        Assert.Contains("Multilingual", data.Description);
    }

    [SharedDataFact("data/toxicity/davidson-labeled.csv.gz")]
    public void Davidson_has_24783_tweets_and_both_labelings()
    {
        var path = RepoPaths.Shared("data/toxicity/davidson-labeled.csv.gz");
        var toxic = DavidsonLoader.Load(path);
        Assert.Equal(24783, toxic.Count);
        Assert.Equal(1430 + 19190, toxic.Positives);
        var hate = DavidsonLoader.Load(path, DavidsonLabeling.HateOnly);
        Assert.Equal(1430, hate.Positives);
        Assert.Equal("neither", toxic.Examples[0].Group);
        Assert.StartsWith("!!! RT @mayasolovely", toxic.Examples[0].Text);
    }

    [PeerFact("exe:sha256sum")]
    public void Recorded_hash_is_the_sha256_of_the_stored_file()
    {
        var path = RepoPaths.Shared("data/toxicity/hatecheck-en.csv.gz");
        if (!File.Exists(path)) return;
        var expected = Peers.Run("sha256sum", [path], null, TimeSpan.FromSeconds(30)).StdOut.Split(' ')[0];
        Assert.Equal(expected, HateCheckLoader.Load(path).Sources[0].Sha256);
    }

    [Fact]
    public void Generic_files_accept_only_unambiguous_labels()
    {
        var dir = RepoPaths.NewTempDir("pm-generic");
        try
        {
            var jsonl = Path.Combine(dir, "a.jsonl");
            File.WriteAllText(jsonl, "{\"text\": \"x\", \"label\": 1, \"g\": \"k\"}\n\n{\"text\": \"y\", \"label\": false}\n{\"text\": \"z\", \"label\": \"0\"}\n");
            var data = LabeledTextFile.LoadJsonl(jsonl, groupField: "g");
            Assert.Equal([1, 0, 0], data.Labels());
            Assert.Equal("k", data.Examples[0].Group);
            File.WriteAllText(jsonl, "{\"text\": \"x\", \"label\": 2}\n");
            Assert.Contains("line 1", Assert.Throws<DatasetFormatException>(() => LabeledTextFile.LoadJsonl(jsonl)).Message);

            var csv = Path.Combine(dir, "b.csv.gz");
            SaeProbesLoaderTests.WriteGz(csv, "label,text\r\ntrue,\"a,\r\nb\"\r\n0,c\r\n");
            var table = LabeledTextFile.LoadCsv(csv);
            Assert.Equal(["a,\r\nb", "c"], table.Texts());
            Assert.Equal([1, 0], table.Labels());
            SaeProbesLoaderTests.WriteGz(csv, "label,text\nyes,a\n");
            Assert.Contains("line 2: label 'yes'", Assert.Throws<DatasetFormatException>(() => LabeledTextFile.LoadCsv(csv)).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
