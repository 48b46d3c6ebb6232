using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Kernels;
using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// The "sae-train" verb: TopK SAE training throughput (tokens/s) of <see cref="SaeTrainer"/> against the same step in
/// PyTorch 1.13 (Debian python3, 2 threads), written as SAELens does it: dense autograd through topk + scatter, the
/// radial decoder-gradient projection, torch.optim.Adam, then decoder renormalisation.
/// </summary>
/// <remarks>
/// Both sides train from scratch on the same kind of random data for the same number of timed steps after warm-up; no
/// latent is dead yet, so neither runs AuxK (SAELens skips it with an empty dead mask too). The machine is shared, so the
/// load average is printed before and after, and each side reports wall and CPU time.
/// </remarks>
public static class SaeTrainBenchmark
{
    private const string Python = "/usr/bin/python3";

    /// <summary>args: [--d-in 2304] [--width 16384] [--k 64] [--batch 1024] [--steps 5] [--warmup 1] [--rows 8192] [--no-torch].</summary>
    public static int Run(string[] args)
    {
        int dIn = Arg(args, "--d-in", 2304), width = Arg(args, "--width", 16384), k = Arg(args, "--k", 64);
        int batch = Arg(args, "--batch", 1024), steps = Arg(args, "--steps", 5), warmup = Arg(args, "--warmup", 1), rows = Arg(args, "--rows", 8192);
        bool torch = !args.Contains("--no-torch");
        string loadBefore = MachineLoad.Average();

        var data = new float[(long)rows * dIn];
        var rng = new Random(20_24); // not the trainer's seed stream: see SeedStream
        for (int i = 0; i < data.Length; i++) data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var options = new SaeTrainingOptions
        {
            Architecture = SaeArchitecture.TopK, Width = width, K = k, BatchSize = batch, Steps = warmup + steps, LearningRate = 4e-4,
            DecoderBiasInit = DecoderBiasInit.Mean, InitSampleRows = 1024, LogInterval = int.MaxValue,
        };
        using var source = ActivationSource.FromArray(data, dIn, "random");
        var trainer = new SaeTrainer(source, options);
        for (int i = 0; i < warmup; i++) trainer.Step();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        double loss = 0;
        for (int i = 0; i < steps; i++) loss = trainer.Step().Mse;
        double ours = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double oursCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;

        (double Wall, double Cpu, double Loss)? peer = null;
        string? peerError = null;
        if (torch)
        {
            try { peer = RunTorch(dIn, width, k, batch, steps, warmup, rows); }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception) { peerError = e.Message; }
        }
        string loadAfter = MachineLoad.Average();

        Console.WriteLine($"## TopK SAE training step: d_in {dIn}, width {width}, k {k}, batch {batch}; {steps} timed steps after {warmup} warm-up");
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} cores visible; GEMM back end {Gemm.BackendName}; load average before {loadBefore}, after {loadAfter} (shared machine).");
        Console.WriteLine();
        Console.WriteLine("| implementation | s/step (wall) | CPU s/step | tokens/s | last batch mse |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("C# SaeTrainer (sparse backward)", ours / steps, oursCpu / steps, batch * steps / ours, loss));
        if (peer is { } p)
        {
            Console.WriteLine(Row("PyTorch 1.13 dense autograd, 2 threads", p.Wall / steps, p.Cpu / steps, batch * steps / p.Wall, p.Loss));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"**Speed-up (tokens/s, ours ÷ PyTorch): {p.Wall / ours:F2}×**"));
        }
        else if (torch) Console.WriteLine($"\nPyTorch peer unavailable: {peerError}");
        return 0;
    }

    private static string Row(string name, double wall, double cpu, double tokensPerSecond, double loss) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {wall:F3} | {cpu:F3} | {tokensPerSecond:F0} | {loss:G4} |");

    private static (double Wall, double Cpu, double Loss) RunTorch(int dIn, int width, int k, int batch, int steps, int warmup, int rows)
    {
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} not found (apt-get install python3-torch)");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(TorchScript);
        foreach (var v in new[] { dIn, width, k, batch, steps, warmup, rows }) psi.ArgumentList.Add(v.ToString(CultureInfo.InvariantCulture));
        psi.Environment["OMP_NUM_THREADS"] = "2";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(30)))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the PyTorch peer ran past 30 minutes");
        }
        if (p.ExitCode != 0) throw new InvalidOperationException($"python3 exited {p.ExitCode}: {stderr.Result}");
        using var doc = JsonDocument.Parse(stdout.Result.Trim().Split('\n')[^1]);
        var r = doc.RootElement;
        return (r.GetProperty("wall").GetDouble(), r.GetProperty("cpu").GetDouble(), r.GetProperty("loss").GetDouble());
    }

    // One SAELens TopK training step, dense: encoder GEMM, topk, scatter to a dense [B, width] code, decoder GEMM, MSE,
    // autograd (dense GEMMs for dW_dec, dcodes, dW_enc and the input gradient), radial projection, Adam, renormalisation.
    private const string TorchScript = """
import json, sys, time, torch
torch.set_num_threads(2)
torch.manual_seed(0)
d, w, k, B, steps, warm, rows = (int(a) for a in sys.argv[1:8])
W_dec = torch.randn(w, d)
W_dec /= W_dec.norm(dim=1, keepdim=True)
W_enc = W_dec.t().contiguous().requires_grad_()
W_dec.requires_grad_()
b_enc = torch.zeros(w, requires_grad=True)
x = torch.randn(rows, d)
b_dec = x[:1024].mean(0).clone().requires_grad_()
opt = torch.optim.Adam([W_enc, W_dec, b_enc, b_dec], lr=4e-4)
def step(i):
    xb = x[(i * B) % (rows - B):][:B]
    sae_in = xb - b_dec
    pre = sae_in @ W_enc + b_enc
    top = torch.topk(pre, k, dim=-1)
    acts = torch.zeros_like(pre).scatter(-1, top.indices, torch.relu(top.values))
    out = acts @ W_dec + b_dec
    loss = (out - xb).pow(2).sum(-1).mean()
    opt.zero_grad()
    loss.backward()
    with torch.no_grad():
        W_dec.grad.sub_((W_dec.grad * W_dec).sum(-1, keepdim=True) * W_dec)
    opt.step()
    with torch.no_grad():
        W_dec.div_(W_dec.norm(dim=-1, keepdim=True))
    return loss.item()
for i in range(warm):
    step(i)
c0, t0 = time.process_time(), time.perf_counter()
for i in range(steps):
    loss = step(warm + i)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "loss": loss}))
""";

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

}
