using ProbeMonitor.Datasets;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

public sealed class SaeProbesLoaderTests
{
    private const string Dir = "data/sae-probes";

    [SharedDataFact(Dir + "/index.json")]
    public void Index_lists_101_datasets_whose_files_exist()
    {
        var index = SaeProbesIndex.Load(RepoPaths.Shared(Dir + "/index.json"));
        Assert.Equal(101, index.Entries.Count);
        foreach (var e in index.Entries)
        {
            Assert.True(File.Exists(RepoPaths.Shared($"{Dir}/{e.Name}.csv.gz")), e.Name);
            Assert.Equal(e.Labels.Order(StringComparer.Ordinal), e.Labels);
            // The benchmark's convention, which index.json records rather than leaves to us: the label sorting second is class 1.
            Assert.Equal(e.Labels[1], e.PositiveLabel);
        }
        Assert.Equal("not_bigram", index.Get("66_living-room").PositiveLabel);
        Assert.Equal(64, index.Source.Sha256.Length);
    }

    /// <summary>The product's datasets, the two-column files (157–163) and the files with CR line breaks inside quoted prompts.</summary>
    [SharedDataTheory(Dir + "/index.json")]
    [InlineData("95_toxic_is")]
    [InlineData("106_hate_hate")]
    [InlineData("90_glue_qnli")]
    [InlineData("41_truthqa_tf")]
    [InlineData("36_sciq_tf")]
    [InlineData("92_glue_sst2")]
    [InlineData("87_glue_cola")]
    [InlineData("21_headline_istrump")]
    [InlineData("48_cm_correct")]
    [InlineData("66_living-room")]
    [InlineData("157_amazon_5star")]
    [InlineData("158_code_C")]
    [InlineData("163_agnews_2")]
    public void Loads_with_index_row_counts_and_polarity(string name)
    {
        var dir = RepoPaths.Shared(Dir);
        var index = SaeProbesIndex.Load(Path.Combine(dir, "index.json"));
        var data = SaeProbesLoader.Load(dir, name, index);
        var entry = index.Get(name);
        Assert.Equal(entry.Rows, data.Count);
        Assert.InRange(data.Positives, 1, data.Count - 1);
        Assert.Contains($"'{entry.PositiveLabel}'", data.PositiveMeaning);
        Assert.All(data.Examples, e => Assert.False(string.IsNullOrEmpty(e.Text)));
        Assert.Equal(2, data.Sources.Count);
        Assert.Equal(64, data.Sources[1].Sha256.Length);
    }

    [SharedDataFact(Dir + "/index.json")]
    public void First_toxic_prompt_is_read_verbatim_with_its_label()
    {
        var data = SaeProbesLoader.Load(RepoPaths.Shared(Dir), "95_toxic_is");
        Assert.Equal("What is the most offensive joke you can make?", data.Examples[0].Text);
        Assert.Equal(1, data.Examples[0].Label);
    }

    [SharedDataFact(Dir + "/index.json")]
    public void Multi_line_prompts_keep_their_crlf_breaks()
    {
        var data = SaeProbesLoader.Load(RepoPaths.Shared(Dir), "21_headline_istrump");
        Assert.Contains(data.Examples, e => e.Text == "U.S. Seeks\r\nTruce on Gaza\r\nas Enemies\r\nStep Up Attacks.");
    }

    [SharedDataTheory(Dir + "/ood")]
    [InlineData("5_hist_fig_ismale", 299)]
    [InlineData("66_living-room", 300)]
    [InlineData("87_glue_cola", 300)]
    public void Ood_sets_take_the_parents_polarity(string name, int rows)
    {
        var data = SaeProbesLoader.LoadOod(RepoPaths.Shared(Dir), name);
        Assert.Equal(rows, data.Count);
        Assert.Equal(name + "_OOD", data.Name);
        Assert.InRange(data.Positives, 100, 200);
    }

    [SharedDataFact(Dir + "/ood")]
    public void Qnli_ood_refuses_to_guess_its_foreign_labels()
    {
        var dir = RepoPaths.Shared(Dir);
        var e = Assert.Throws<DatasetFormatException>(() => SaeProbesLoader.LoadOod(dir, "90_glue_qnli"));
        Assert.Contains("not_entailment", e.Message);
        var explicitPolarity = SaeProbesLoader.LoadOod(dir, "90_glue_qnli", positiveLabel: "not_entailment");
        Assert.Equal(300, explicitPolarity.Count);
        Assert.Equal(150, explicitPolarity.Positives);
        Assert.Throws<ArgumentException>(() => SaeProbesLoader.LoadOod(dir, "90_glue_qnli", positiveLabel: "entailment"));
    }

    [Fact]
    public void Rejects_targets_missing_from_the_index_and_wrong_row_counts()
    {
        var dir = RepoPaths.NewTempDir("pm-saeprobes");
        try
        {
            File.WriteAllText(Path.Combine(dir, "index.json"),
                """[{"name": "t", "rows": 2, "labels": ["no", "yes"], "positive_label": "yes"}, {"name": "u", "rows": 3, "labels": ["0", "1"], "positive_label": "1"}]""");
            WriteGz(Path.Combine(dir, "t.csv.gz"), "prompt,target\n\"a, b\",yes\nc,maybe\n");
            WriteGz(Path.Combine(dir, "u.csv.gz"), "prompt,prompt_len,target\na,1,0\nb,1,1\n");
            var bad = Assert.Throws<DatasetFormatException>(() => SaeProbesLoader.Load(dir, "t"));
            Assert.Contains("line 3: target 'maybe'", bad.Message);
            var count = Assert.Throws<DatasetFormatException>(() => SaeProbesLoader.Load(dir, "u"));
            Assert.Contains("2 rows but index.json says 3", count.Message);
            Assert.Throws<KeyNotFoundException>(() => SaeProbesLoader.Load(dir, "v"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    internal static void WriteGz(string path, string text)
    {
        using var file = File.Create(path);
        using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        gz.Write(bytes);
    }
}
