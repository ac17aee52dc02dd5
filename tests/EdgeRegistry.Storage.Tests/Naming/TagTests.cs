using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Naming;

public sealed class TagTests
{
    [Theory]
    [InlineData("latest")]
    [InlineData("v1.2.3")]
    [InlineData("_internal")]
    [InlineData("4.16.0-x86_64")]
    [InlineData("UPPER-case.OK")]
    public void IsValid_TagOfTheSpecGrammar_True(string tag) => Assert.True(Tag.IsValid(tag));

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-dash")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a:b")]
    [InlineData("a%2fb")]
    [InlineData("a\0")]
    [InlineData("sha256:abc")]
    public void IsValid_TagOutsideTheGrammar_False(string tag) => Assert.False(Tag.IsValid(tag));

    [Fact]
    public void IsValid_LengthLimit_AcceptsMaxAndRejectsOneMore()
    {
        Assert.True(Tag.IsValid(new string('a', Tag.MaxLength)));
        Assert.False(Tag.IsValid(new string('a', Tag.MaxLength + 1)));
    }

    [Fact]
    public void IsValid_Null_False() => Assert.False(Tag.IsValid(null));
}
