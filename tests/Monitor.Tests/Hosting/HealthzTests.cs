using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Hosting;

public sealed class HealthzTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Healthz_answers_200_ok()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_path_is_404()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
