using EdgeRegistry.Upstream.Auth;
using EdgeRegistry.Upstream.Client;

namespace EdgeRegistry.Upstream.Tests.Auth;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parse_BearerChallenge_ReadsRealmServiceAndScope()
    {
        var challenge = AuthChallenge.Parse("Bearer", "realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull\"");
        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example/token", challenge.Realm);
        Assert.Equal("registry.example", challenge.Service);
        Assert.Equal("repository:a/b:pull", challenge.Scope);
    }

    [Fact]
    public void Parse_UnquotedAndMissingValues_Tolerated()
    {
        var challenge = AuthChallenge.Parse("Basic", "realm=edge");
        Assert.True(challenge.IsBasic);
        Assert.Equal("edge", challenge.Realm);
        Assert.Null(AuthChallenge.Parse("Bearer", null).Realm);
    }

    [Fact]
    public void ParseToken_TokenOrAccessToken_DefaultLifetimeSixtySeconds()
    {
        Assert.Equal(("t1", TimeSpan.FromSeconds(300)), UpstreamClient.ParseToken("{\"token\":\"t1\",\"expires_in\":300}"u8.ToArray()));
        Assert.Equal(("t2", TimeSpan.FromSeconds(60)), UpstreamClient.ParseToken("{\"access_token\":\"t2\"}"u8.ToArray()));
        Assert.Null(UpstreamClient.ParseToken("{\"token\":\"\"}"u8.ToArray()));
        Assert.Null(UpstreamClient.ParseToken("<html>"u8.ToArray()));
    }
}
