using System.Globalization;

namespace ProbeMonitor.Datasets;

/// <summary>Reads Davidson et al.'s labelled tweets (<c>,count,hate_speech,offensive_language,neither,class,tweet</c>; class 0 hate, 1 offensive, 2 neither).</summary>
public static class DavidsonLoader
{
    private static readonly string[] ClassNames = ["hate", "offensive", "neither"];

    /// <summary>Loads the tweets with label 1 per <paramref name="labeling"/>; group = the class name.</summary>
    public static LabeledDataset Load(string path, DavidsonLabeling labeling = DavidsonLabeling.HateOrOffensive)
    {
        var (source, text) = SourceFile.ReadText(path);
        var table = CsvTable.Parse(text, path);
        int cls = table.Column("class"), tweet = table.Column("tweet");
        var examples = new List<LabeledText>(table.Rows.Count);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            if (!int.TryParse(row[cls], NumberStyles.None, CultureInfo.InvariantCulture, out int c) || c > 2)
                throw new DatasetFormatException($"{path}: line {table.Lines[i]}: class '{row[cls]}' is not 0, 1 or 2.");
            int label = labeling == DavidsonLabeling.HateOnly ? (c == 0 ? 1 : 0) : (c <= 1 ? 1 : 0);
            examples.Add(new LabeledText(row[tweet], label, ClassNames[c]));
        }
        string meaning = labeling == DavidsonLabeling.HateOnly ? "hate speech (class 0)" : "toxic: hate speech or offensive (class 0 or 1)";
        return new LabeledDataset($"davidson/{labeling}", examples, meaning, [source], $"Davidson et al. tweets; label 1 = {meaning}; group = class name.");
    }
}
