using EdgeRegistry.Configuration;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Configuration;

/// <summary>The cluster settings (members, node name, secret file, bandwidth, status socket) through all three sources.</summary>
public sealed class ClusterSettingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SettingsResult Resolve(CommandLineSettings commandLine, Dictionary<string, string>? environment = null) =>
        ServeSettingsResolver.Resolve(commandLine with { Root = _temp.File("root") }, name => environment?.GetValueOrDefault(name));

    [Fact]
    public void Resolve_NoMembers_StandAlone()
    {
        var settings = Resolve(new CommandLineSettings()).Settings!;

        Assert.False(settings.IsClustered);
        Assert.Equal(ServeSettings.DefaultClusterSecretFile, settings.ClusterSecretFile);
        Assert.Equal(ServeSettings.DefaultStatusSocket, settings.StatusSocket);
        Assert.Equal(0, settings.ReplicationBytesPerSecond);
    }

    [Fact]
    public void Resolve_MembersFromConfigFile_HostNamesAndAddressesKept()
    {
        string config = _temp.WriteFile("config.json", """
            { "members": ["master-0.edge.example:5000", "10.0.0.2:5000", "[fd00::3]:5000"],
              "clusterSecretFile": "/etc/edgereg/cluster-secret", "replicationBytesPerSecond": 50000000 }
            """);

        var settings = Resolve(new CommandLineSettings { Config = config }).Settings!;

        Assert.Equal([new MemberEndpoint("master-0.edge.example", 5000), new MemberEndpoint("10.0.0.2", 5000), new MemberEndpoint("fd00::3", 5000)],
            settings.Members);
        Assert.Equal("[fd00::3]:5000", settings.Members[2].ToString());
        Assert.Equal(50_000_000, settings.ReplicationBytesPerSecond);
    }

    [Fact]
    public void Resolve_MemberFlags_BeatEnvironmentList()
    {
        var settings = Resolve(new CommandLineSettings { Members = ["127.0.0.1:5000", "127.0.0.2:5000"], NodeName = "127.0.0.1:5000" },
            new() { ["EDGEREG_MEMBERS"] = "10.0.0.1:5000,10.0.0.2:5000,10.0.0.3:5000" }).Settings!;

        Assert.Equal(2, settings.Members.Count);
        Assert.Equal("127.0.0.1:5000", settings.NodeName);
    }

    [Theory]
    [InlineData("node-a", "--member \"node-a\": expected HOST:PORT")]
    [InlineData("node-a:0", "--member \"node-a:0\": PORT must be a number from 1 to 65535")]
    [InlineData("node_a!:5000", "--member \"node_a!:5000\": HOST must be an IP address or a DNS host name")]
    public void Resolve_BadMember_NamesFlagAndProblem(string member, string expected)
    {
        var result = Resolve(new CommandLineSettings { Members = [member] });

        Assert.Null(result.Settings);
        Assert.Contains(expected, result.Errors);
    }

    [Fact]
    public void Resolve_MemberListedTwice_Refused()
    {
        var result = Resolve(new CommandLineSettings { Members = ["10.0.0.1:5000", "10.0.0.1:5000"] });

        Assert.Contains("--member \"10.0.0.1:5000\": listed twice", result.Errors);
    }

    [Fact]
    public void Resolve_NegativeBandwidthInEnvironment_Refused()
    {
        var result = Resolve(new CommandLineSettings(), new() { ["EDGEREG_REPLICATION_BANDWIDTH"] = "-1" });

        Assert.Null(result.Settings);
        Assert.Single(result.Errors, e => e.StartsWith("EDGEREG_REPLICATION_BANDWIDTH \"-1\":", StringComparison.Ordinal));
    }
    [Fact]
    public void ClusterSetup_MembersWithoutThisNodeAndNoSecret_BothProblemsAtOnceNamingNodeName()
    {
        var settings = Resolve(new CommandLineSettings
        {
            Members = ["192.0.2.11:5000", "192.0.2.12:5000", "192.0.2.13:5000"],
            Listen = ["127.0.0.1:5000"],
            ClusterSecretFile = _temp.File("no-secret"),
        }).Settings!;

        var (options, problems) = EdgeRegistry.Hosting.ClusterSetup.Resolve(settings);

        Assert.Null(options);
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("members: none of the members (192.0.2.11:5000, 192.0.2.12:5000, 192.0.2.13:5000) is this node", problems[0], StringComparison.Ordinal);
        Assert.EndsWith("--node-name HOST:PORT (EDGEREG_NODE_NAME, or \"nodeName\" in the config file) names the member that is this node", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("--cluster-secret-file: ", problems[1], StringComparison.Ordinal);
        Assert.Contains(_temp.File("no-secret"), problems[1], StringComparison.Ordinal);
    }
}
