namespace ProbeMonitor.Datasets;

/// <summary>
/// Reads HateCheck functional tests: the English original (<c>case_id</c>, first column an unnamed index) and Multilingual
/// HateCheck (<c>mhc_case_id</c>, extra annotation columns). Both carry <c>test_case</c>, <c>label_gold</c>
/// (hateful / non-hateful), <c>functionality</c> and <c>target_ident</c>; label 1 = hateful, group = functionality.
/// </summary>
/// <remarks>Texts are kept exactly as stored (the English file ends many cases with a space).</remarks>
public static class HateCheckLoader
{
    /// <summary>Loads either variant, told apart by the id column; any label_gold other than hateful/non-hateful is an error.</summary>
    public static LabeledDataset Load(string path)
    {
        var (source, text) = SourceFile.ReadText(path);
        var table = CsvTable.Parse(text, path);
        string variant = table.HasColumn("mhc_case_id") ? "Multilingual HateCheck" : table.HasColumn("case_id") ? "HateCheck (English)"
            : throw new DatasetFormatException($"{path}: neither 'case_id' (HateCheck) nor 'mhc_case_id' (Multilingual HateCheck) in the header.");
        int testCase = table.Column("test_case"), gold = table.Column("label_gold"), functionality = table.Column("functionality");
        var examples = new List<LabeledText>(table.Rows.Count);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            int label = row[gold] switch
            {
                "hateful" => 1,
                "non-hateful" => 0,
                var other => throw new DatasetFormatException($"{path}: line {table.Lines[i]}: label_gold '{other}' is neither 'hateful' nor 'non-hateful'."),
            };
            examples.Add(new LabeledText(row[testCase], label, row[functionality]));
        }
        string name = Path.GetFileName(path).Replace(".csv.gz", "", StringComparison.Ordinal).Replace(".csv", "", StringComparison.Ordinal);
        return new LabeledDataset(name, examples, "hateful (label_gold)", [source],
            $"{variant}: test_case with label 1 where label_gold is 'hateful'; group = functionality.");
    }
}
