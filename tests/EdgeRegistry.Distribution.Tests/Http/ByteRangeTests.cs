using EdgeRegistry.Distribution.Http;

namespace EdgeRegistry.Distribution.Tests.Http;

public class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=500-1499", 500, 1000)]
    [InlineData("bytes=500-", 500, 1548)]
    [InlineData("bytes=-500", 1548, 500)]
    [InlineData("bytes=2000-5000", 2000, 48)]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=-5000", 0, 2048)]
    public void Parse_SatisfiableRange_Partial(string header, long start, long length)
    {
        Assert.Equal(ByteRange.Outcome.Partial, ByteRange.Parse(header, 2048, out var range));
        Assert.Equal(new ByteRange(start, length), range);
    }

    [Theory]
    [InlineData("bytes=500-0")]
    [InlineData("bytes=5000-10000")]
    [InlineData("bytes=2048-")]
    [InlineData("bytes=-0")]
    public void Parse_UnsatisfiableRange_Unsatisfiable(string header) =>
        Assert.Equal(ByteRange.Outcome.Unsatisfiable, ByteRange.Parse(header, 2048, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("items=0-5")]
    [InlineData("bytes=0-5,10-20")]
    [InlineData("bytes=abc-def")]
    [InlineData("bytes=5")]
    public void Parse_AbsentForeignOrMultiple_Whole(string? header)
    {
        Assert.Equal(ByteRange.Outcome.Whole, ByteRange.Parse(header, 2048, out var range));
        Assert.Equal(new ByteRange(0, 2048), range);
    }

    [Fact]
    public void ContentRange_Partial_FormatsInclusiveEndAndTotal() =>
        Assert.Equal("bytes 500-1499/2048", new ByteRange(500, 1000).ContentRange(2048));
}
