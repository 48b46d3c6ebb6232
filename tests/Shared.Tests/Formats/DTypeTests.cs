using ProbeMonitor.Formats;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats;

public sealed class DTypeTests
{
    [Fact]
    public void Sizes_match_the_runtime_types_and_names_round_trip()
    {
        Assert.Equal(sizeof(float), DType.F32.SizeInBytes());
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<Half>(), DType.F16.SizeInBytes());
        Assert.Equal(sizeof(ushort), DType.BF16.SizeInBytes());
        Assert.Equal(sizeof(long), DType.I64.SizeInBytes());
        Assert.Equal(sizeof(int), DType.I32.SizeInBytes());
        foreach (var d in Enum.GetValues<DType>())
        {
            Assert.True(DTypeExtensions.TryParseSafetensorsName(d.SafetensorsName(), out var parsed));
            Assert.Equal(d, parsed);
        }
        Assert.Equal(["F32", "F16", "BF16", "I64", "I32"], Enum.GetValues<DType>().Select(d => d.SafetensorsName()));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("F64")]
    [InlineData("U8")]
    [InlineData("")]
    public void Other_names_are_not_parsed(string name) => Assert.False(DTypeExtensions.TryParseSafetensorsName(name, out _));

    [Fact]
    public void Exception_message_names_file_tensor_and_problem()
    {
        var e = new TensorFormatException("/x/y.safetensors", "W_enc", "bad shape");
        Assert.Equal("/x/y.safetensors: tensor 'W_enc': bad shape", e.Message);
        Assert.Equal("bad shape", new TensorFormatException(null, null, "bad shape").Message);
        Assert.IsAssignableFrom<IOException>(e);
    }
}
