using System.Text.Json;
using ProbeMonitor.Trainer.Commands;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

public sealed class InfoCommandTests
{
    [Fact]
    public void Info_json_names_the_gemm_backend()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, TrainerCli.Build().Parse(["info", "--json"]).Invoke());
        }
        finally
        {
            Console.SetOut(original);
        }
        using var doc = JsonDocument.Parse(output.ToString());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("gemm_backend").GetString()));
        Assert.True(doc.RootElement.GetProperty("cores").GetInt32() >= 1);
    }
}
