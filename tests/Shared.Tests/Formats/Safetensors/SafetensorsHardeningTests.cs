using System.Text;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Safetensors;

/// <summary>Each malformation is refused at Open with a <see cref="TensorFormatException"/> naming the file, tensor and problem.</summary>
public sealed class SafetensorsHardeningTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private TensorFormatException OpenFails(byte[] bytes)
    {
        var path = _dir.Write($"{Guid.NewGuid():N}.safetensors", bytes);
        var e = Assert.Throws<TensorFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    private static string Entry(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void File_shorter_than_8_bytes(int length)
    {
        var e = OpenFails(new byte[length]);
        Assert.Contains($"file is {length} bytes", e.Message);
    }

    [Fact]
    public void Header_length_beyond_the_file()
    {
        var e = OpenFails(RawSafetensors.Build("{}", declaredHeaderLength: 1000));
        Assert.Contains("declared header length 1000 runs past the end of the 10-byte file", e.Message);
    }

    [Theory]
    [InlineData(100UL * 1024 * 1024 + 1)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    public void Huge_declared_header_is_capped_before_anything_is_read(ulong declared)
    {
        var e = OpenFails(RawSafetensors.Build("{}", declaredHeaderLength: declared));
        Assert.Contains("exceeds the 104857600-byte cap", e.Message);
    }

    [Fact]
    public void Header_not_valid_UTF8()
    {
        var header = Encoding.UTF8.GetBytes("{\"a\":{}}");
        header[2] = 0xFF;
        Assert.Contains("not valid UTF-8", OpenFails(RawSafetensors.Build(header)).Message);
    }

    [Theory]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("", "not a JSON object")] // empty header
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("\"text\"", "not a JSON object")]
    [InlineData("{} {}", "not valid JSON")]
    [InlineData("{}x", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",}}", "not valid JSON")]
    [InlineData("{\"\\ud800\":{}}", "invalid JSON string")]
    public void Header_not_valid_JSON_or_not_an_object(string json, string expected)
    {
        Assert.Contains(expected, OpenFails(RawSafetensors.Build(json)).Message);
    }

    [Fact]
    public void Unknown_dtype()
    {
        var e = OpenFails(RawSafetensors.Build("{" + Entry("w", "F64", "[1]", "[0,8]") + "}", new byte[8]));
        Assert.Equal("w", e.TensorName);
        Assert.Contains("unsupported dtype 'F64'", e.Message);
    }

    [Theory]
    [InlineData("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "missing 'dtype'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "missing 'shape'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "missing 'data_offsets'")]
    [InlineData("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", "'dtype' is not a string")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", "'shape' is not a JSON array")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "'shape' holds a value that is not a 64-bit integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "'shape' holds a value that is not a 64-bit integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", "not a 64-bit integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "'data_offsets' has 3 numbers")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "'data_offsets' has 1 numbers")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"b\":0}}}", "'data_offsets' is not a JSON array")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}", "'data_offsets' holds the negative value -4")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "'dtype' appears twice")]
    [InlineData("{\"w\":[1,2]}", "header entry is not a JSON object")]
    public void Missing_or_invalid_fields(string json, string expected)
    {
        var e = OpenFails(RawSafetensors.Build(json, new byte[8]));
        Assert.Equal("w", e.TensorName);
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Negative_dimension()
    {
        var e = OpenFails(RawSafetensors.Build("{" + Entry("w", "F32", "[2,-2]", "[0,0]") + "}"));
        Assert.Equal("w", e.TensorName);
        Assert.Contains("'shape' holds the negative value -2", e.Message);
    }

    [Fact]
    public void Element_count_times_size_differs_from_the_byte_span()
    {
        var e = OpenFails(RawSafetensors.Build("{" + Entry("w", "F32", "[2,3]", "[0,20]") + "}", new byte[24]));
        Assert.Equal("w", e.TensorName);
        Assert.Contains("shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20", e.Message);
    }

    [Fact]
    public void Offsets_beyond_the_data()
    {
        var e = OpenFails(RawSafetensors.Build("{" + Entry("w", "F32", "[2]", "[4,12]") + "}", new byte[8]));
        Assert.Contains("data_offsets [4, 12] run past the data section (8 bytes)", e.Message);
    }

    [Fact]
    public void Begin_after_end()
    {
        var e = OpenFails(RawSafetensors.Build("{" + Entry("w", "F32", "[1]", "[8,4]") + "}", new byte[8]));
        Assert.Equal("w", e.TensorName);
        Assert.Contains("data_offsets begin 8 is after end 4", e.Message);
    }

    [Fact]
    public void Overlapping_tensors()
    {
        var json = "{" + Entry("a", "F32", "[2]", "[0,8]") + "," + Entry("b", "F32", "[2]", "[4,12]") + "}";
        var e = OpenFails(RawSafetensors.Build(json, new byte[12]));
        Assert.Equal("b", e.TensorName);
        Assert.Contains("overlaps tensor 'a'", e.Message);
    }

    [Fact]
    public void Zero_length_tensors_inside_another_do_not_count_as_overlap()
    {
        var json = "{" + Entry("a", "F32", "[2]", "[0,8]") + "," + Entry("e", "F32", "[0]", "[4,4]") + "}";
        var path = _dir.Write("ok.safetensors", RawSafetensors.Build(json, new byte[8]));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(2, file.Tensors.Count);
    }

    [Theory]
    [InlineData("[4294967296,4294967296]")]                       // 2^64 elements
    [InlineData("[3037000500,3037000500]")]                       // just over 2^63 elements
    [InlineData("[2305843009213693952]")]                         // 2^61 elements × 4 bytes overflows
    [InlineData("[0,9223372036854775807,9223372036854775807]")]   // a zero first must not hide the overflow-free path
    public void Shape_products_that_overflow(string shape)
    {
        var path = _dir.Write($"{Guid.NewGuid():N}.safetensors", RawSafetensors.Build("{" + Entry("w", "F32", shape, "[0,8]") + "}", new byte[8]));
        var e = Assert.Throws<TensorFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal("w", e.TensorName);
        // [0, max, max] has zero elements (no overflow) and then fails the byte-span check instead.
        Assert.True(e.Message.Contains("overflows") || e.Message.Contains("needs 0 bytes"), e.Message);
    }

    [Fact]
    public void Duplicate_tensor_names()
    {
        var json = "{" + Entry("a", "F32", "[1]", "[0,4]") + "," + Entry("a", "F32", "[1]", "[4,8]") + "}";
        var e = OpenFails(RawSafetensors.Build(json, new byte[8]));
        Assert.Equal("a", e.TensorName);
        Assert.Contains("appears twice", e.Message);
    }

    [Theory]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "'__metadata__' value of 'k' is not a string")]
    [InlineData("{\"__metadata__\":[]}", "'__metadata__' is not a JSON object")]
    [InlineData("{\"__metadata__\":{},\"__metadata__\":{}}", "two '__metadata__' entries")]
    public void Malformed_metadata(string json, string expected)
    {
        Assert.Contains(expected, OpenFails(RawSafetensors.Build(json)).Message);
    }

    [Fact]
    public void Unknown_fields_are_skipped_and_trailing_spaces_allowed()
    {
        var json = "{\"w\":{\"extra\":{\"deep\":[1,{\"x\":null}]},\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}   ";
        var path = _dir.Write("ok.safetensors", RawSafetensors.Build(json, RawSafetensors.FloatBytes(7f)));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([7f], file.ReadSingles("w"));
    }
}
