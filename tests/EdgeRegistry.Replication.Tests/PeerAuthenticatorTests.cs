using EdgeRegistry.Replication.Security;

namespace EdgeRegistry.Replication.Tests;

public sealed class PeerAuthenticatorTests
{
    private static readonly byte[] Secret = "a-cluster-secret-of-enough-length"u8.ToArray();
    private static readonly string[] Members = ["10.0.0.1:5000", "10.0.0.2:5000"];
    private readonly ManualTime _time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));

    [Fact]
    public void Verify_SignedBySameSecret_Member()
    {
        var authenticator = new PeerAuthenticator(Secret, Members, _time);
        string header = authenticator.Sign("10.0.0.1:5000", "GET", "/_edgereg/peer/v1/feed?since=3");

        var (member, problem) = authenticator.Verify(header, "GET", "/_edgereg/peer/v1/feed?since=3");

        Assert.Equal("10.0.0.1:5000", member);
        Assert.Null(problem);
    }

    [Fact]
    public void Verify_OtherSecret_Refused()
    {
        string header = new PeerAuthenticator("another-secret-of-enough-length!!"u8.ToArray(), Members, _time)
            .Sign("10.0.0.1:5000", "GET", "/_edgereg/peer/v1/summary");

        var (member, problem) = new PeerAuthenticator(Secret, Members, _time).Verify(header, "GET", "/_edgereg/peer/v1/summary");

        Assert.Null(member);
        Assert.Equal("wrong cluster secret", problem);
    }

    [Theory]
    [InlineData("GET", "/_edgereg/peer/v1/blobs/sha256:other")]
    [InlineData("HEAD", "/_edgereg/peer/v1/summary")]
    public void Verify_HeaderReplayedForAnotherRequest_Refused(string method, string path)
    {
        var authenticator = new PeerAuthenticator(Secret, Members, _time);
        string header = authenticator.Sign("10.0.0.1:5000", "GET", "/_edgereg/peer/v1/summary");

        Assert.Null(authenticator.Verify(header, method, path).Member);
    }

    [Fact]
    public void Verify_OutsideClockWindow_Refused()
    {
        var authenticator = new PeerAuthenticator(Secret, Members, _time);
        string header = authenticator.Sign("10.0.0.1:5000", "GET", "/x");
        _time.Advance(PeerAuthenticator.Window + TimeSpan.FromSeconds(1));

        Assert.Equal("peer credentials outside the clock window", authenticator.Verify(header, "GET", "/x").Problem);
    }

    [Theory]
    [InlineData(null, "no peer credentials")]
    [InlineData("", "no peer credentials")]
    [InlineData("10.0.0.1:5000 notanumber abc", "malformed peer credentials")]
    [InlineData("10.0.0.9:5000 1795341600 abc", "'10.0.0.9:5000' is not a cluster member")]
    public void Verify_BadHeaders_RefusedWithReason(string? header, string expected)
    {
        Assert.Equal(expected, new PeerAuthenticator(Secret, Members, _time).Verify(header, "GET", "/x").Problem);
    }
}
