namespace ProbeMonitor.Trainer.Provenance;

/// <summary>Reads the checked-out commit from a .git folder (or a worktree's .git file) without running git.</summary>
public static class GitCommit
{
    /// <summary>The 40-hex commit of HEAD for the checkout containing <paramref name="directory"/>, or null when there is none or it cannot be read.</summary>
    public static string? TryRead(string directory)
    {
        try
        {
            for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
            {
                var dotGit = Path.Combine(dir.FullName, ".git");
                string? gitDir = Directory.Exists(dotGit) ? dotGit
                    : File.Exists(dotGit) && File.ReadAllText(dotGit).Trim() is var text && text.StartsWith("gitdir:", StringComparison.Ordinal)
                        ? Path.GetFullPath(text["gitdir:".Length..].Trim(), dir.FullName)
                        : null;
                if (gitDir is not null) return Resolve(gitDir);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    private static string? Resolve(string gitDir)
    {
        var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
        if (!head.StartsWith("ref:", StringComparison.Ordinal)) return IsSha(head) ? head : null;
        var name = head["ref:".Length..].Trim();
        // A worktree's refs live in the common git folder named by its commondir file.
        var common = File.Exists(Path.Combine(gitDir, "commondir"))
            ? Path.GetFullPath(File.ReadAllText(Path.Combine(gitDir, "commondir")).Trim(), gitDir)
            : gitDir;
        foreach (var root in new[] { gitDir, common })
        {
            var loose = Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(loose) && File.ReadAllText(loose).Trim() is var sha && IsSha(sha)) return sha;
            var packed = Path.Combine(root, "packed-refs");
            if (!File.Exists(packed)) continue;
            foreach (var line in File.ReadLines(packed))
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && parts[1] == name && IsSha(parts[0])) return parts[0];
            }
        }
        return null;
    }

    private static bool IsSha(string s) => s.Length == 40 && s.All(Uri.IsHexDigit);
}
