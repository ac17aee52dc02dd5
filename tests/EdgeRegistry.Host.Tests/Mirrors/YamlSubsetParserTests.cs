using EdgeRegistry.Mirrors.Yaml;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>The YAML subset reader: the shapes mirror-set files use, and a line-numbered refusal of the rest.</summary>
public sealed class YamlSubsetParserTests
{
    [Fact]
    public void ParseDocuments_SequenceAtKeyIndentation_BelongsToThatKey()
    {
        var root = Assert.IsType<YamlMapping>(Assert.Single(YamlSubsetParser.ParseDocuments(
            "spec:\n  entries:\n  - mirrors:\n    - a.example/x\n    - b.example/x\n    source: c.example/x\n  other: 1\n")));

        var spec = Assert.IsType<YamlMapping>(root.Get("spec"));
        var entry = Assert.IsType<YamlMapping>(Assert.Single(Assert.IsType<YamlSequence>(spec.Get("entries")).Items));
        Assert.Equal(["a.example/x", "b.example/x"], Assert.IsType<YamlSequence>(entry.Get("mirrors")).Items.Cast<YamlScalar>().Select(item => item.Value));
        Assert.Equal("c.example/x", Assert.IsType<YamlScalar>(entry.Get("source")).Value);
        Assert.Equal("1", Assert.IsType<YamlScalar>(spec.Get("other")).Value);
    }

    [Fact]
    public void ParseDocuments_QuotesCommentsAndMarkers_ReadAsYamlDefines()
    {
        var documents = YamlSubsetParser.ParseDocuments(
            "---\n# heading\na: 'it''s # not a comment'  # a comment\nb: \"tab\\there \\\"q\\\"\"\nc: plain#hash\n...\n---\nd: ~\n");

        Assert.Equal(2, documents.Count);
        var first = Assert.IsType<YamlMapping>(documents[0]);
        Assert.Equal("it's # not a comment", Assert.IsType<YamlScalar>(first.Get("a")).Value);
        Assert.Equal("tab\there \"q\"", Assert.IsType<YamlScalar>(first.Get("b")).Value);
        Assert.Equal("plain#hash", Assert.IsType<YamlScalar>(first.Get("c")).Value);
        Assert.True(Assert.IsType<YamlScalar>(Assert.IsType<YamlMapping>(documents[1]).Get("d")).IsNull);
    }

    [Theory]
    [InlineData("a: {b: c}\n", 1, "flow collections")]
    [InlineData("a:\n  b: |\n    text\n", 2, "block scalars")]
    [InlineData("a: &x 1\n", 1, "anchors and aliases")]
    [InlineData("a: !!str 1\n", 1, "tags")]
    [InlineData("a: 1\na: 2\n", 2, "duplicate key 'a'")]
    [InlineData("a:\n  b: 1\n    c: 2\n", 3, "unexpected indentation")]
    [InlineData("a: \"open\n", 1, "unterminated quoted scalar")]
    [InlineData("a:\n  plain\n  continued\n", 3, "multi-line plain scalars")]
    [InlineData("%YAML 1.2\n---\na: 1\n", 1, "YAML directives")]
    [InlineData("a: b: c\n", 1, "a mapping value is not allowed here")]
    [InlineData("- a\nb: 1\n", 2, "unexpected content after the document's top-level node")]
    public void ParseDocuments_OutsideSubset_ThrowsWithLine(string text, int line, string problem)
    {
        var error = Assert.Throws<YamlSubsetException>(() => YamlSubsetParser.ParseDocuments(text));

        Assert.Equal(line, error.Line);
        Assert.StartsWith(problem, error.Problem, StringComparison.Ordinal);
    }
}
