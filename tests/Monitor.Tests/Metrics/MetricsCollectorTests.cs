using System.Diagnostics.Metrics;
using ProbeMonitor.Monitor.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

public sealed class MetricsCollectorTests
{
    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    [Fact]
    public void Counters_sum_per_tag_set_whatever_the_tag_order_or_value_type()
    {
        using var scope = new CollectorScope();
        var counter = scope.Meter.CreateCounter<long>("demo_requests_total", null, "Requests.");
        counter.Add(2, Tag("method", "Score"), Tag("code", 200));
        counter.Add(1, Tag("code", "200"), Tag("method", "Score"));
        counter.Add(5, Tag("method", "Health"), Tag("code", 200));
        var gauge = scope.Meter.CreateGauge<double>("demo_temperature_celsius", null, "Temperature.");
        gauge.Record(3);
        gauge.Record(-1.5);

        Assert.Equal(Lines(
            "# HELP demo_requests_total Requests.",
            "# TYPE demo_requests_total counter",
            "demo_requests_total{code=\"200\",method=\"Health\"} 5",
            "demo_requests_total{code=\"200\",method=\"Score\"} 3",
            "# HELP demo_temperature_celsius Temperature.",
            "# TYPE demo_temperature_celsius gauge",
            "demo_temperature_celsius -1.5"), scope.Text());
    }

    [Fact]
    public void Histogram_with_advice_prints_exact_cumulative_buckets()
    {
        using var scope = new CollectorScope();
        var h = scope.Meter.CreateHistogram<double>("demo_latency_seconds", "s", "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5] });
        foreach (var v in new[] { 0.5, 1, 1.5, 7 }) h.Record(v);
        Assert.Equal(Lines(
            "# HELP demo_latency_seconds Latency.",
            "# TYPE demo_latency_seconds histogram",
            "demo_latency_seconds_bucket{le=\"1\"} 2",
            "demo_latency_seconds_bucket{le=\"2\"} 3",
            "demo_latency_seconds_bucket{le=\"5\"} 3",
            "demo_latency_seconds_bucket{le=\"+Inf\"} 4",
            "demo_latency_seconds_sum 10",
            "demo_latency_seconds_count 4"), scope.Text());
    }

    [Fact]
    public void Histogram_counts_match_a_naive_reference_on_random_data()
    {
        using var scope = new CollectorScope();
        double[] bounds = [0.001, 0.01, 0.1, 0.5, 1, 2.5, 10];
        var h = scope.Meter.CreateHistogram<double>("demo_random_seconds", "s", "Random.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = bounds });
        var rng = new Random(42);
        string[] methods = ["a", "b", "c"];
        var recorded = methods.ToDictionary(m => m, _ => new List<double>());
        for (int i = 0; i < 5000; i++)
        {
            var m = methods[rng.Next(3)];
            // Exact bounds are included on purpose: buckets are "less than or equal".
            var v = rng.Next(10) == 0 ? bounds[rng.Next(bounds.Length)] : Math.Exp(rng.NextDouble() * 8 - 6);
            recorded[m].Add(v);
            h.Record(v, Tag("method", m));
        }

        var samples = Exposition.Samples(scope.Text());
        foreach (var (m, values) in recorded)
        {
            foreach (var b in bounds)
                Assert.Equal(values.Count(v => v <= b), samples[$"demo_random_seconds_bucket{{method=\"{m}\",le=\"{PrometheusTextFormat.FormatValue(b)}\"}}"]);
            Assert.Equal(values.Count, samples[$"demo_random_seconds_bucket{{method=\"{m}\",le=\"+Inf\"}}"]);
            Assert.Equal(values.Count, samples[$"demo_random_seconds_count{{method=\"{m}\"}}"]);
            Assert.Equal(values.Sum(), samples[$"demo_random_seconds_sum{{method=\"{m}\"}}"], 1e-9);
        }
    }

    [Fact]
    public void Histograms_without_advice_use_prometheus_default_buckets()
    {
        using var scope = new CollectorScope();
        scope.Meter.CreateHistogram<double>("demo_plain_seconds", "s").Record(0.3);
        var les = Exposition.Samples(scope.Text()).Keys.Where(k => k.Contains("_bucket", StringComparison.Ordinal))
            .Select(k => k[(k.IndexOf("le=\"", StringComparison.Ordinal) + 4)..^2]).ToArray();
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"], les);
    }

    [Fact]
    public void Float_and_integer_histograms_bucket_in_their_own_type()
    {
        using var scope = new CollectorScope();
        scope.Meter.CreateHistogram<float>("demo_float", null, null,
            advice: new InstrumentAdvice<float> { HistogramBucketBoundaries = [0.1f, 0.2f] }).Record(0.1f);
        scope.Meter.CreateHistogram<int>("demo_int", null, null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4] }).Record(3);
        var s = Exposition.Samples(scope.Text());
        // 0.1f widens to 0.10000000149…; it must still count as ≤ the 0.1f bound, printed as 0.1.
        Assert.Equal(1, s["demo_float_bucket{le=\"0.1\"}"]);
        Assert.Equal(0, s["demo_int_bucket{le=\"2\"}"]);
        Assert.Equal(1, s["demo_int_bucket{le=\"4\"}"]);
        Assert.Equal(3, s["demo_int_sum"]);
    }

    [Fact]
    public void Up_down_counters_are_gauges_and_observables_are_read_each_scrape()
    {
        using var scope = new CollectorScope();
        var inflight = scope.Meter.CreateUpDownCounter<int>("demo_inflight");
        inflight.Add(3);
        inflight.Add(-5);
        var reported = new List<Measurement<double>> { new(1.5, Tag("q", "a")), new(2.5, Tag("q", "b")) };
        scope.Meter.CreateObservableGauge("demo_observed", () => reported.ToArray());
        long total = 10;
        scope.Meter.CreateObservableCounter("demo_seen", () => total);
        scope.Meter.CreateObservableUpDownCounter("demo_balance", () => -3L);

        var first = scope.Text();
        Assert.Equal("gauge", Exposition.Types(first)["demo_inflight"]);
        Assert.Equal("counter", Exposition.Types(first)["demo_seen_total"]);
        var s1 = Exposition.Samples(first);
        Assert.Equal(-2, s1["demo_inflight"]);
        Assert.Equal(1.5, s1["demo_observed{q=\"a\"}"]);
        Assert.Equal(10, s1["demo_seen_total"]);
        Assert.Equal("gauge", Exposition.Types(first)["demo_balance"]);
        Assert.Equal(-3, s1["demo_balance"]);

        reported.RemoveAt(0);
        total = 12;
        var s2 = Exposition.Samples(scope.Text());
        Assert.False(s2.ContainsKey("demo_observed{q=\"a\"}"));
        Assert.Equal(2.5, s2["demo_observed{q=\"b\"}"]);
        Assert.Equal(12, s2["demo_seen_total"]);
    }

    [Fact]
    public void A_failing_observable_callback_does_not_take_the_scrape_down()
    {
        using var scope = new CollectorScope();
        scope.Meter.CreateObservableGauge<int>("demo_broken", (Func<int>)(() => throw new InvalidOperationException("sensor gone")));
        scope.Meter.CreateCounter<int>("demo_ok_total").Add(1);
        Assert.Equal(1, Exposition.Samples(scope.Text())["demo_ok_total"]);
        Assert.Contains("sensor gone", scope.Collector.LastObservationError?.ToString());
    }

    [Fact]
    public void Negative_counter_increments_and_series_past_the_cap_are_dropped_and_counted()
    {
        using var scope = new CollectorScope(maxSeries: 3);
        var c = scope.Meter.CreateCounter<int>("demo_capped_total");
        for (int i = 0; i < 5; i++) c.Add(1, Tag("id", i));
        c.Add(4, Tag("id", 0));
        c.Add(-1, Tag("id", 0));
        var s = Exposition.Samples(scope.Text());
        Assert.Equal(3, s.Count);
        Assert.Equal(5, s["demo_capped_total{id=\"0\"}"]);
        Assert.Equal(3, scope.Collector.DroppedMeasurements);
    }

    [Fact]
    public void Histogram_series_with_a_tag_named_le_are_left_out_rather_than_break_the_scrape()
    {
        using var scope = new CollectorScope();
        var h = scope.Meter.CreateHistogram<double>("demo_h");
        h.Record(1, Tag("le", "x"));
        h.Record(1, Tag("ok", "y"));
        var text = scope.Text();
        Assert.DoesNotContain("le=\"x\"", text);
        Assert.Contains("demo_h_count{ok=\"y\"} 1", text);
        Assert.Equal(1, scope.Collector.DroppedMeasurements);
    }

    [Fact]
    public void Disposed_meters_disappear_and_other_prefixes_are_ignored()
    {
        using var scope = new CollectorScope();
        using var stranger = new Meter("Elsewhere." + Guid.NewGuid().ToString("N"));
        stranger.CreateCounter<int>("stranger_total").Add(1);
        var extra = new Meter(scope.Meter.Name + ".extra");
        extra.CreateCounter<int>("extra_total").Add(1);
        Assert.Equal(["extra_total"], Exposition.Samples(scope.Text()).Keys);
        extra.Dispose();
        Assert.Equal("", scope.Text());
    }

    [Fact]
    public void Instruments_created_before_the_collector_are_picked_up()
    {
        var name = $"MetricsTest.{Guid.NewGuid():N}";
        using var meter = new Meter(name);
        var c = meter.CreateCounter<long>("early_total");
        c.Add(1); // Not seen: nobody listened yet.
        using var collector = new MetricsCollector(new MetricsCollectorOptions { MeterNamePrefix = name });
        c.Add(2);
        Assert.Equal(2, Exposition.Samples(collector.CollectText())["early_total"]);
    }

    [Fact]
    public void Two_instruments_exporting_one_name_yield_one_family()
    {
        using var scope = new CollectorScope();
        scope.Meter.CreateCounter<int>("demo.dup").Add(1);
        scope.Meter.CreateCounter<int>("demo_dup_total").Add(2);
        var s = Exposition.Samples(scope.Text());
        Assert.Single(s);
        // "demo.dup" sorts before "demo_dup_total" ('.' < '_'), so it wins.
        Assert.Equal(1, s["demo_dup_total"]);
    }

    [Fact]
    public void Recording_a_repeated_tag_set_allocates_nothing()
    {
        using var scope = new CollectorScope();
        var h = scope.Meter.CreateHistogram<double>("demo_alloc_seconds");
        var c = scope.Meter.CreateCounter<long>("demo_alloc_total");
        object code = 503; // Boxed once, as a caller caching its tag values would.
        KeyValuePair<string, object?>[] plain = [Tag("method", "Score"), Tag("status", "OK")];
        KeyValuePair<string, object?>[] formatted = [Tag("http.method", "GET"), Tag("code", code)];
        void RecordAll()
        {
            h.Record(0.01, plain);
            h.Record(0.02, formatted);
            c.Add(1, Tag("status", "OK"), Tag("method", "Score")); // Other order than the stored set.
            c.Add(1, formatted);
        }
        for (int i = 0; i < 100; i++) RecordAll(); // First sight of each set allocates its series.

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) RecordAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_100, Exposition.Samples(scope.Text())["demo_alloc_total{method=\"Score\",status=\"OK\"}"]);
    }

    [Fact]
    public void Concurrent_recording_from_many_threads_sums_exactly()
    {
        using var scope = new CollectorScope();
        var counter = scope.Meter.CreateCounter<long>("demo_hits_total");
        var fractional = scope.Meter.CreateCounter<double>("demo_weight_total");
        var h = scope.Meter.CreateHistogram<double>("demo_size", null, null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5] });
        const int threads = 8, perThread = 20_000;
        string[] shards = ["a", "b", "c", "d"];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                var tag = Tag("shard", shards[(t + i) % shards.Length]);
                counter.Add(1, tag);
                // Multiples of 0.25 add exactly in binary floating point, so the sum must be exact too.
                fractional.Add(0.25 * (i % 4), tag);
                h.Record(0.25 * (i % 4), tag);
            }
        });

        var s = Exposition.Samples(scope.Text());
        // Each (thread, shard) pair gets every 4th i; with 8 threads and 4 shards each shard sees perThread·2 records.
        long perShard = threads * perThread / shards.Length;
        foreach (var shard in shards)
        {
            var labels = $"shard=\"{shard}\"";
            Assert.Equal(perShard, s[$"demo_hits_total{{{labels}}}"]);
            Assert.Equal(perShard, s[$"demo_size_count{{{labels}}}"]);
        }
        // Reference totals computed naively over the same schedule.
        double weight = 0, under025 = 0, under05 = 0;
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < perThread; i++)
            {
                double v = 0.25 * (i % 4);
                weight += v;
                if (v <= 0.25) under025++;
                if (v <= 0.5) under05++;
            }
        Assert.Equal(weight, shards.Sum(x => s[$"demo_weight_total{{shard=\"{x}\"}}"]));
        Assert.Equal(weight, shards.Sum(x => s[$"demo_size_sum{{shard=\"{x}\"}}"]));
        Assert.Equal(under025, shards.Sum(x => s[$"demo_size_bucket{{shard=\"{x}\",le=\"0.25\"}}"]));
        Assert.Equal(under05, shards.Sum(x => s[$"demo_size_bucket{{shard=\"{x}\",le=\"0.5\"}}"]));
    }
}
