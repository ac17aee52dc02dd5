using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Naming;

public sealed class RepositoryNameTests
{
    [Fact]
    public void TryParse_AnyNameOfTheSpecGrammar_AcceptsAndRoundTrips() =>
        Properties.Hold(RepositoryNameGenerators.Valid,
            text => RepositoryName.TryParse(text, out var name) && name.Value == text && name.ToString() == text);

    [Fact]
    public void TryParse_ValidNameWithPoisonInserted_Rejects() =>
        Properties.Hold(RepositoryNameGenerators.Invalid, text => !RepositoryName.TryParse(text, out _));

    [Theory]
    [InlineData("library/alpine")]
    [InlineData("a")]
    [InlineData("a0/b1/c2")]
    [InlineData("my-app__x.y/sub---comp_z")]
    [InlineData("openshift-release-dev/ocp-v4.0-art-dev")]
    public void TryParse_NameFromTheField_Accepts(string text) => Assert.True(RepositoryName.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a//b")]
    [InlineData("Alpine")]
    [InlineData("a%2fb")]
    [InlineData("a\0b")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("a___b")]
    [InlineData("a._b")]
    [InlineData("a b")]
    [InlineData("a\\b")]
    public void TryParse_NameOutsideTheGrammar_Rejects(string text) => Assert.False(RepositoryName.TryParse(text, out _));

    [Fact]
    public void TryParse_Null_Rejects() => Assert.False(RepositoryName.TryParse(null, out _));

    [Fact]
    public void TryParse_LongerThanMaxLength_Rejects()
    {
        Assert.True(RepositoryName.TryParse(new string('a', RepositoryName.MaxLength), out _));
        Assert.False(RepositoryName.TryParse(new string('a', RepositoryName.MaxLength + 1), out _));
    }

    [Fact]
    public void Parse_InvalidName_ThrowsFormatExceptionNamingIt()
    {
        var error = Assert.Throws<FormatException>(() => RepositoryName.Parse("Bad/Name"));
        Assert.Contains("Bad/Name", error.Message, StringComparison.Ordinal);
    }
}
