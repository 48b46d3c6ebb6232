namespace ProbeMonitor.Monitor.Hosting;

/// <summary>Points the content root at the executable's directory when the working directory has no appsettings.json and
/// nothing else chose one, so the shipped appsettings.json applies wherever the sidecar is started from.</summary>
/// <remarks>
/// ASP.NET Core's content root defaults to the working directory. Started elsewhere (<c>dotnet /opt/pm/ProbeMonitor.Monitor.dll</c>
/// from a service manager's directory) the sidecar would miss its appsettings.json, whose "Microsoft.AspNetCore": "Warning"
/// keeps Kestrel from logging every request at Information: eight lines per call, which at thousands of calls a second
/// costs real CPU. A working directory that has its own appsettings.json, a <c>--contentRoot</c> argument or the
/// <c>ASPNETCORE_CONTENTROOT</c>/<c>DOTNET_CONTENTROOT</c> variables keep the usual rules.
/// </remarks>
public static class ContentRootDefault
{
    private const string Settings = "appsettings.json";

    /// <summary><paramref name="args"/>, with <c>--contentRoot <paramref name="baseDirectory"/></c> in front when the rule above applies.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="workingDirectory">Where the process was started.</param>
    /// <param name="baseDirectory">Where the executable and its shipped appsettings.json are.</param>
    /// <param name="environment">Reads an environment variable.</param>
    public static string[] Apply(string[] args, string workingDirectory, string baseDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        bool chosen = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)
                                    || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
                      || !string.IsNullOrEmpty(environment("ASPNETCORE_CONTENTROOT"))
                      || !string.IsNullOrEmpty(environment("DOTNET_CONTENTROOT"));
        if (chosen || File.Exists(Path.Combine(workingDirectory, Settings)) || !File.Exists(Path.Combine(baseDirectory, Settings)))
            return args;
        return ["--contentRoot", baseDirectory, .. args];
    }
}
