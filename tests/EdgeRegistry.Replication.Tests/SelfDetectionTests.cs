using System.Net;
using EdgeRegistry.Replication.Membership;

namespace EdgeRegistry.Replication.Tests;

public sealed class SelfDetectionTests
{
    private static readonly string[] Members = ["10.0.0.1:5000", "10.0.0.2:5000", "master-2.edge.example:5000"];

    [Fact]
    public void Detect_LoopbackRigMemberEqualsListenAddress_ThatMember()
    {
        string[] rig = ["127.0.0.1:5000", "127.0.0.2:5000", "127.0.0.3:5000"];

        var (self, problem) = SelfDetection.Detect(rig, [new IPEndPoint(IPAddress.Parse("127.0.0.2"), 5000)], null, [IPAddress.Loopback], "host");

        Assert.Null(problem);
        Assert.Equal("127.0.0.2:5000", self);
    }

    [Fact]
    public void Detect_ListenOnAnyAndInterfaceAddressIsMember_ThatMember()
    {
        var (self, _) = SelfDetection.Detect(Members, [new IPEndPoint(IPAddress.Any, 5000)], null,
            [IPAddress.Parse("10.0.0.2"), IPAddress.Loopback], "node-b");

        Assert.Equal("10.0.0.2:5000", self);
    }

    [Fact]
    public void Detect_HostNameMember_MatchesShortHostName()
    {
        var (self, _) = SelfDetection.Detect(Members, [new IPEndPoint(IPAddress.Any, 5000)], null, [IPAddress.Parse("10.9.9.9")], "master-2");

        Assert.Equal("master-2.edge.example:5000", self);
    }

    [Fact]
    public void Detect_ExplicitNodeName_WinsOverAddresses()
    {
        var (self, _) = SelfDetection.Detect(Members, [new IPEndPoint(IPAddress.Any, 5000)], "10.0.0.1:5000", [IPAddress.Parse("10.0.0.2")], "x");

        Assert.Equal("10.0.0.1:5000", self);
    }

    [Fact]
    public void Detect_ExplicitNodeNameNotAMember_ProblemNamesIt()
    {
        var (self, problem) = SelfDetection.Detect(Members, [], "10.0.0.9:5000", [], "x");

        Assert.Null(self);
        Assert.Contains("10.0.0.9:5000", problem);
    }

    [Fact]
    public void Detect_NoMemberIsThisNode_ProblemSaysSetTheNodeName()
    {
        var (self, problem) = SelfDetection.Detect(Members, [new IPEndPoint(IPAddress.Any, 5000)], null, [IPAddress.Parse("192.0.2.1")], "elsewhere");

        Assert.Null(self);
        Assert.Contains("set the node name", problem);
    }

    [Fact]
    public void Detect_MemberOnOtherPort_NotThisNode()
    {
        var (self, _) = SelfDetection.Detect(Members, [new IPEndPoint(IPAddress.Any, 6000)], null, [IPAddress.Parse("10.0.0.2")], "node-b");

        Assert.Null(self);
    }
}
