using System.Buffers.Binary;
using System.Text;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Safetensors;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static float[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 20 - 10);
        return v;
    }

    [Fact]
    public void Every_dtype_round_trips_through_writer_and_reader()
    {
        var f32 = Values(6, 1);
        var f16Source = Values(6, 2);
        var bf16Source = Values(6, 3);
        long[] i64 = [long.MinValue, -1, 0, 1, long.MaxValue, 1L << 40];
        int[] i32 = [int.MinValue, -7, 0, 7, int.MaxValue, 12345];
        var i32Bytes = new byte[i32.Length * 4];
        for (int i = 0; i < i32.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(i32Bytes.AsSpan(4 * i), i32[i]);

        var path = _dir.File("all.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.Singles("f32", f32, 2, 3),
            TensorToWrite.Half("f16", f16Source, 3, 2),
            TensorToWrite.BFloat16("bf16", bf16Source, 6),
            TensorToWrite.Int64("i64", i64, 6),
            new TensorToWrite("i32", DType.I32, [1, 6], i32Bytes),
        ]);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["f32", "f16", "bf16", "i64", "i32"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2L, 3], file.GetInfo("f32").Shape);
        Assert.Equal(f32, file.GetSingles("f32").ToArray());
        Assert.Equal(f32, file.ReadSingles("f32"));

        // Reference for 16-bit types: the runtime's own Half conversion and an independent bfloat16 nearest-value search.
        var f16 = file.ReadSingles("f16");
        for (int i = 0; i < 6; i++) Assert.Equal((float)(Half)f16Source[i], f16[i]);
        Assert.Equal(f16Source.Select(x => BitConverter.HalfToUInt16Bits((Half)x)), file.GetHalfBits("f16").ToArray());
        var bf16 = file.ReadSingles("bf16");
        for (int i = 0; i < 6; i++) Assert.Equal(NearestBFloat16(bf16Source[i]), bf16[i]);

        Assert.Equal(i64, file.ReadInt64("i64"));
        Assert.Equal(i64.Select(x => (float)x), file.ReadSingles("i64"));
        Assert.Equal(i32.Select(x => (long)x), file.ReadInt64("i32"));
        Assert.Equal(i32.Select(x => (float)x), file.ReadSingles("i32"));
        Assert.Equal(i32Bytes, file.GetBytes("i32").ToArray());
    }

    /// <summary>bfloat16 by exhaustive neighbour comparison in double precision, ties to the even pattern: independent of the bit trick.</summary>
    private static float NearestBFloat16(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        float down = BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
        float up = BitConverter.UInt32BitsToSingle((bits & 0xFFFF0000u) + 0x10000u);
        double dDown = Math.Abs((double)x - down), dUp = Math.Abs((double)up - x);
        if (dDown < dUp) return down;
        if (dUp < dDown) return up;
        return ((BitConverter.SingleToUInt32Bits(down) >> 16) & 1) == 0 ? down : up;
    }

    [Fact]
    public void Scalars_zero_length_tensors_and_metadata_round_trip()
    {
        var path = _dir.File("edge.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "naïve ✓ \"quoted\"" };
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.Singles("empty", [], 0, 5),
            TensorToWrite.Singles("scalar", [3.5f]),
            TensorToWrite.Int64("empty_i64", [], 0),
            TensorToWrite.Singles("tail", [1f, 2f], 2),
        ], metadata);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal([0L, 5], file.GetInfo("empty").Shape);
        Assert.Equal(0, file.GetInfo("empty").ElementCount);
        Assert.Empty(file.ReadSingles("empty"));
        Assert.True(file.GetBytes("empty").IsEmpty);
        Assert.Empty(file.GetInfo("scalar").Shape);
        Assert.Equal(1, file.GetInfo("scalar").ElementCount);
        Assert.Equal([3.5f], file.ReadSingles("scalar"));
        Assert.Empty(file.ReadInt64("empty_i64"));
        Assert.Equal([1f, 2f], file.ReadSingles("tail"));
    }

    [Fact]
    public void Writer_pads_the_header_with_spaces_to_an_8_byte_aligned_data_start_and_packs_tensors_in_order()
    {
        using var ms = new MemoryStream();
        SafetensorsWriter.Write(ms, [TensorToWrite.Singles("a", [1f], 1), TensorToWrite.Int64("b", [2L], 1)]);
        var bytes = ms.ToArray();
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        // The expected text is the format's documented layout, written out by hand.
        Assert.Equal("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[4,12]}}",
            header.TrimEnd(' '));
        Assert.True(header.Length - header.TrimEnd(' ').Length < 8);
        Assert.Equal(8 + n + 12, bytes.Length);
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + n)));
        Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 + n + 4)));
    }

    [Fact]
    public void Reader_reads_a_hand_built_file_and_reports_absolute_offsets_in_data_order()
    {
        // Header order differs from data order; Tensors must follow the data.
        var json = "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},\"__metadata__\":{\"k\":\"v\"}," +
                   "\"first\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        var path = _dir.Write("hand.safetensors", RawSafetensors.Build(json, RawSafetensors.FloatBytes(1f, -2f, 0.25f)));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["first", "second"], file.Tensors.Select(t => t.Name));
        Assert.Equal(8 + Encoding.UTF8.GetByteCount(json), file.GetInfo("first").DataOffset);
        Assert.Equal(4, file.GetInfo("second").ByteLength);
        Assert.Equal([1f, -2f], file.ReadSingles("first"));
        Assert.Equal([0.25f], file.GetSingles("second").ToArray());
        Assert.Equal("v", file.Metadata["k"]);
        Assert.True(file.Contains("first"));
        Assert.False(file.Contains("k"));
        Assert.Equal(path, file.Path);
    }

    [Fact]
    public void Missing_tensor_error_names_it_and_lists_present_ones()
    {
        var path = _dir.File("m.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("W_enc", [1f], 1), TensorToWrite.Singles("b_enc", [1f], 1)]);
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<TensorFormatException>(() => file.GetInfo("W_dec"));
        Assert.Contains("'W_dec'", e.Message);
        Assert.Contains("'W_enc'", e.Message);
        Assert.Contains("'b_enc'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal("W_dec", e.TensorName);
    }

    [Fact]
    public void Typed_accessors_refuse_the_wrong_dtype_clearly()
    {
        var path = _dir.File("d.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.BFloat16("bf", [1f], 1), TensorToWrite.Singles("f", [1f], 1)]);
        using var file = SafetensorsFile.Open(path);
        Assert.Contains("needs F32", Assert.Throws<TensorFormatException>(() => file.GetSingles("bf")).Message);
        Assert.Contains("needs F16 or BF16", Assert.Throws<TensorFormatException>(() => file.GetHalfBits("f")).Message);
        Assert.Contains("needs I64 or I32", Assert.Throws<TensorFormatException>(() => file.ReadInt64("f")).Message);
        Assert.Throws<ArgumentException>(() => file.ReadSingles("f", new float[2]));
    }

    [Fact]
    public void Accessors_after_dispose_throw_ObjectDisposedException()
    {
        var path = _dir.File("x.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("a", [1f], 1)]);
        var file = SafetensorsFile.Open(path);
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes("a").Length);
    }

    [Fact]
    public void Writer_rejects_duplicates_mismatched_lengths_and_the_reserved_name()
    {
        var path = _dir.File("bad.safetensors");
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, [TensorToWrite.Singles("a", [1f], 1), TensorToWrite.Singles("a", [2f], 1)])).Message);
        Assert.Contains("needs 8 bytes", Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, [new TensorToWrite("a", DType.F32, [2], new byte[4])])).Message);
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new TensorToWrite("__metadata__", DType.F32, [1], new byte[4])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new TensorToWrite("neg", DType.F32, [-1], new byte[0])]));
        Assert.Throws<ArgumentException>(() => TensorToWrite.Singles("a", [1f, 2f, 3f], 2));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir.Path)); // no temp file left behind
    }

    [Fact]
    public void Path_overload_replaces_an_existing_file_and_leaves_no_temp_file()
    {
        var path = _dir.File("r.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("old", [1f], 1)]);
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("new", [2f], 1)]);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["new"], file.Tensors.Select(t => t.Name));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Replacing_an_open_file_leaves_its_mapping_intact()
    {
        var path = _dir.File("live.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("w", [1f, 2f], 2)]);
        using var old = SafetensorsFile.Open(path);
        var span = old.GetSingles("w");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("w", [3f, 4f, 5f], 3)]);
        Assert.Equal([1f, 2f], span.ToArray());
        using var fresh = SafetensorsFile.Open(path);
        Assert.Equal([3f, 4f, 5f], fresh.ReadSingles("w"));
    }

    [Fact]
    public void Files_over_4_GiB_are_read_by_absolute_offset()
    {
        // A sparse file: two 2,000,000,000-byte fillers and a small tensor whose bytes start past 4 GiB.
        const long filler = 2_000_000_000;
        const long count = filler / 4;
        var json = $"{{\"pad0\":{{\"dtype\":\"F32\",\"shape\":[{count}],\"data_offsets\":[0,{filler}]}}," +
                   $"\"pad1\":{{\"dtype\":\"F32\",\"shape\":[{count}],\"data_offsets\":[{filler},{2 * filler}]}}," +
                   $"\"pad2\":{{\"dtype\":\"F32\",\"shape\":[{count}],\"data_offsets\":[{2 * filler},{3 * filler}]}}," +
                   $"\"tail\":{{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[{3 * filler},{3 * filler + 12}]}}}}";
        var header = Encoding.UTF8.GetBytes(json);
        var path = _dir.File("big.safetensors");
        using (var fs = new FileStream(path, FileMode.CreateNew))
        {
            fs.Write(RawSafetensors.Build(header));
            fs.SetLength(8 + header.Length + 3 * filler + 12);
            fs.Position = 8 + header.Length + 3 * filler;
            fs.Write(RawSafetensors.FloatBytes(1.5f, -2.5f, 42f));
        }
        using var file = SafetensorsFile.Open(path);
        Assert.True(file.GetInfo("tail").DataOffset > 4L << 30);
        Assert.Equal([1.5f, -2.5f, 42f], file.ReadSingles("tail"));
        Assert.Equal(0f, file.GetSingles("pad2")[^1]); // a hole in a sparse file reads as zeros
    }

    [Fact]
    public void A_tensor_of_2_GiB_or_more_is_listed_but_refused_as_a_span_with_a_clear_error()
    {
        const long bytes = 1L << 31;
        var json = $"{{\"huge\":{{\"dtype\":\"BF16\",\"shape\":[{bytes / 2}],\"data_offsets\":[0,{bytes}]}}}}";
        var header = Encoding.UTF8.GetBytes(json);
        var path = _dir.File("huge.safetensors");
        using (var fs = new FileStream(path, FileMode.CreateNew))
        {
            fs.Write(RawSafetensors.Build(header));
            fs.SetLength(8 + header.Length + bytes);
        }
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(bytes, file.GetInfo("huge").ByteLength);
        var e = Assert.Throws<TensorFormatException>(() => file.GetHalfBits("huge").Length);
        Assert.Contains("2 GiB", e.Message);
        Assert.Equal("huge", e.TensorName);
        Assert.Throws<TensorFormatException>(() => file.ReadSingles("huge"));
    }

    [Fact]
    public void Opening_through_a_stream_maps_the_file_the_stream_has_open_even_after_a_rename_replaced_the_path()
    {
        var path = _dir.File("weights.safetensors");
        var replacement = _dir.File("weights.next.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.Singles("w", [1f, 2f, 3f], 3)]);
        SafetensorsWriter.Write(replacement, [TensorToWrite.Singles("w", [7f, 8f, 9f], 3)]);

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.ReadByte(); // any position: the mapping starts at the file's start
        File.Move(replacement, path, overwrite: true);
        using (var file = SafetensorsFile.Open(stream, path))
            Assert.Equal([1f, 2f, 3f], file.GetSingles("w").ToArray());
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte()); // owned, and disposed with the file

        using var reopened = SafetensorsFile.Open(path);
        Assert.Equal([7f, 8f, 9f], reopened.GetSingles("w").ToArray());
    }

    [Fact]
    public void Opening_a_malformed_file_through_a_stream_disposes_the_stream()
    {
        var path = _dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Assert.Throws<TensorFormatException>(() => SafetensorsFile.Open(stream, path));
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte());
    }
}
