using EdgeRegistry.Distribution.Http;
using Microsoft.Extensions.Primitives;

namespace EdgeRegistry.Distribution.Tests.Http;

public class AcceptNegotiationTests
{
    private const string Oci = "application/vnd.oci.image.manifest.v1+json";

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "*/*" }, true)]
    [InlineData(new[] { "application/*" }, true)]
    [InlineData(new[] { Oci }, true)]
    [InlineData(new[] { "application/vnd.oci.image.index.v1+json", Oci + "; q=0.9" }, true)]
    [InlineData(new[] { "application/vnd.docker.distribution.manifest.v2+json, " + Oci }, true)]
    [InlineData(new[] { "application/vnd.docker.distribution.manifest.v2+json" }, false)]
    [InlineData(new[] { "application/vnd.oci.image.index.v1+json" }, false)]
    public void Accepts_AcceptHeaders_MatchesStoredType(string[] accept, bool expected) =>
        Assert.Equal(expected, AcceptNegotiation.Accepts(new StringValues(accept), Oci));
}
