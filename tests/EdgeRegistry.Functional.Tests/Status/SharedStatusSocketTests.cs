using System.Net.Sockets;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Status;

/// <summary>
/// Three agents on one host started at the same moment with one status socket path (issue 16: the second used to
/// fail at the bind, blaming its TCP listener): one owns the socket, all three serve the registry.
/// </summary>
public sealed class SharedStatusSocketTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_ThreeAgentsAtOnceOnOneStatusSocket_AllServeOneOwnsTheSocket()
    {
        using var temp = new TempDirectory("shared-status");
        string socket = temp.Combine("run", "status.sock");
        var starts = Enumerable.Range(0, 3).Select(i =>
            EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub($"root-{i}")) { ExtraArguments = ["--status-socket", socket] }, output)).ToList();
        var servers = new List<EdgeregServer>();
        try
        {
            foreach (var start in starts) servers.Add(await start);

            foreach (var server in servers)
            {
                using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };
                Assert.Equal("{}", await http.GetStringAsync("/v2/"));
            }
            // The socket answers (its owner), and the others said why they serve without it.
            using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                await probe.ConnectAsync(new UnixDomainSocketEndPoint(socket));
            }
            Assert.Equal(2, servers.Count(s => s.Output.Contains("serving without it", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }
}
