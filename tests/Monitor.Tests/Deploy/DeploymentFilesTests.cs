using System.Text.Json.Nodes;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Tests.Dashboards;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Deploy;

/// <summary>The YAML of deploy/ and grafana/provisioning/ parses (PyYAML) and its files agree with each other and with
/// the sidecar's defaults: ports, service names, mount paths, loopback-only gRPC inside the pod.</summary>
public sealed class DeploymentFilesTests
{
    private static readonly int HttpPort = new Uri(MonitorListeners.DefaultUrls).Port;
    private static readonly int GrpcPort = new Uri(MonitorListeners.DefaultGrpcUrls).Port;

    [PeerFact("python:yaml")]
    public void Compose_runs_sidecar_prometheus_and_grafana_with_the_provisioning_mounted()
    {
        var services = YamlDocuments.Load("deploy/compose.yaml")["services"]!.AsObject();
        Assert.Equal(["grafana", "prometheus", "sidecar"], services.Select(s => s.Key).Order());

        var sidecar = services["sidecar"]!;
        Assert.Equal("deploy/Dockerfile", (string?)sidecar["build"]!["dockerfile"]);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "deploy", (string)sidecar["build"]!["context"]!, "deploy", "Dockerfile")));
        Assert.Equal([$"127.0.0.1:{HttpPort}:{HttpPort}", $"127.0.0.1:{GrpcPort}:{GrpcPort}"], Strings(sidecar["ports"]));

        var prometheus = services["prometheus"]!;
        var promMounts = Mounts(prometheus);
        Assert.Equal("/etc/prometheus", promMounts["./prometheus"]);
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", Strings(prometheus["command"]));

        var grafanaMounts = Mounts(services["grafana"]!);
        Assert.Equal("/etc/grafana/provisioning", grafanaMounts["../grafana/provisioning"]);
        var dashboardsMount = grafanaMounts["../grafana/dashboards"];
        var provider = Assert.Single(YamlDocuments.Load("grafana/provisioning/dashboards/probemonitor.yml")["providers"]!.AsArray())!;
        Assert.Equal(dashboardsMount, (string?)provider["options"]!["path"]);
        Assert.Equal("file", (string?)provider["type"]);
        foreach (var source in grafanaMounts.Keys.Concat(promMounts.Keys).Where(k => k.StartsWith('.')))
            Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, "deploy", source)), $"compose mounts {source}, which does not exist");
    }

    [PeerFact("python:yaml")]
    public void Prometheus_scrapes_the_compose_sidecar_and_grafana_reads_the_compose_prometheus()
    {
        var config = YamlDocuments.Load("deploy/prometheus/prometheus.yml");
        var job = config["scrape_configs"]!.AsArray().Single(j => (string?)j!["job_name"] == "probemonitor")!;
        Assert.Equal("/metrics", (string?)job["metrics_path"]);
        Assert.Equal([$"sidecar:{HttpPort}"], Strings(job["static_configs"]![0]!["targets"]));
        Assert.Equal(["alerts.yml"], Strings(config["rule_files"]));

        var datasource = Assert.Single(YamlDocuments.Load("grafana/provisioning/datasources/prometheus.yml")["datasources"]!.AsArray())!;
        Assert.Equal("prometheus", (string?)datasource["type"]);
        Assert.Equal("http://prometheus:9090", (string?)datasource["url"]);
        Assert.Equal((string?)config["global"]!["scrape_interval"], (string?)datasource["jsonData"]!["timeInterval"]);
    }

    [PeerFact("python:yaml")]
    public void Serving_pod_keeps_grpc_on_loopback_and_probes_health_on_the_metrics_port()
    {
        var pod = YamlDocuments.Load("deploy/kubernetes/serving-pod.yaml");
        Assert.Equal("Pod", (string?)pod["kind"]);
        var spec = pod["spec"]!;
        Assert.True((bool)spec["securityContext"]!["runAsNonRoot"]!);
        var containers = spec["containers"]!.AsArray().Select(c => c!).ToList();
        Assert.Equal(2, containers.Count);
        var sidecar = containers.Single(c => (string?)c["name"] == "probemonitor");
        var engine = containers.Single(c => (string?)c["name"] != "probemonitor");

        var args = Strings(sidecar["args"]);
        var grpcUrl = new Uri(args[args.IndexOf("--" + MonitorListeners.GrpcUrlsKey) + 1]);
        Assert.Equal("127.0.0.1", grpcUrl.Host);
        Assert.Equal(GrpcPort, grpcUrl.Port);
        var httpUrl = new Uri(args[args.IndexOf("--urls") + 1]);
        Assert.Equal(HttpPort, httpUrl.Port);
        Assert.Equal($"127.0.0.1:{GrpcPort}", (string?)engine["env"]!.AsArray().Single(e => (string?)e!["name"] == "PROBEMONITOR_TARGET")!["value"]);

        var ports = sidecar["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int)p!["containerPort"]!);
        Assert.Equal(new Dictionary<string, int> { ["metrics"] = HttpPort }, ports); // 5006 is deliberately not declared
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            var get = sidecar[probe]!["httpGet"]!;
            Assert.Equal("/healthz", (string?)get["path"]);
            Assert.Equal(HttpPort, ports[(string)get["port"]!]);
        }
        Assert.Equal(HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)pod["metadata"]!["annotations"]!["prometheus.io/port"]);

        Assert.True((int)sidecar["securityContext"]!["runAsUser"]! > 0);
        var volumes = spec["volumes"]!.AsArray().Select(v => (string)v!["name"]!).ToHashSet();
        foreach (var container in containers)
        {
            var resources = container["resources"]!;
            Assert.NotNull(resources["requests"]?["memory"]);
            Assert.NotNull(resources["limits"]?["memory"]);
            foreach (var mount in container["volumeMounts"]!.AsArray())
            {
                Assert.Contains((string)mount!["name"]!, volumes);
                Assert.True((bool)mount["readOnly"]!, $"{container["name"]} mounts {mount["name"]} writable");
            }
        }
        Assert.Equal(["models", "probes"], sidecar["volumeMounts"]!.AsArray().Select(m => (string)m!["name"]!).Order());
    }

    [PeerFact("python:yaml")]
    public void Alert_rule_reader_agrees_with_PyYAML()
    {
        var rules = YamlDocuments.Load(AlertRuleFile.RelativePath)["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray())
            .Select(r => new AlertRule((string)r!["alert"]!, ((string)r["expr"]!).Trim()));
        Assert.Equal(rules, AlertRuleFile.Load());
    }

    [PeerFact("exe:docker-compose")]
    public void Docker_compose_validates_the_compose_file()
    {
        // Compose v1 (Debian's docker-compose) validates against the Compose schema without a Docker daemon.
        var result = Peers.Run(Peers.FindExecutable("docker-compose")!, ["-f", Path.Combine(RepoPaths.Root, "deploy", "compose.yaml"), "config", "--quiet"],
            null, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"docker-compose config failed:\n{result.StdOut}{result.StdErr}");
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToList();

    /// <summary>Short-syntax volume mounts: host source to container path, for binds only.</summary>
    private static Dictionary<string, string> Mounts(JsonNode service) =>
        Strings(service["volumes"]).Select(v => v.Split(':')).Where(p => p[0].StartsWith('.')).ToDictionary(p => p[0], p => p[1]);
}
