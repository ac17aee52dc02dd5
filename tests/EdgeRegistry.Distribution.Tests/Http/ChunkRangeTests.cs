using EdgeRegistry.Distribution.Http;

namespace EdgeRegistry.Distribution.Tests.Http;

public class ChunkRangeTests
{
    [Theory]
    [InlineData("0-99", 0, 99)]
    [InlineData("100-100", 100, 100)]
    [InlineData("bytes 10-19", 10, 19)]
    [InlineData("bytes=10-19/*", 10, 19)]
    public void TryParse_WellFormed_StartAndEnd(string header, long start, long end)
    {
        Assert.True(ChunkRange.TryParse(header, out var range));
        Assert.Equal(new ChunkRange(start, end), range);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-5")]
    [InlineData("9-3")]
    [InlineData("a-b")]
    [InlineData("99999999999999999999-1")]
    public void TryParse_Malformed_False(string header) => Assert.False(ChunkRange.TryParse(header, out _));
}
