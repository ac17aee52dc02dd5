using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeRegistry.Cli;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Status;

public sealed class StatusEndpointTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Get_OnStatusSocket_AgentStoreAndNoPeersAsJson()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        var bytes = await StoreContent.PushImageAsync(RegistryStore.Open(settings.Root), "library/alpine", "3.20", "alpine");
        await using var agent = await RunningAgent.StartAsync(settings);

        using var response = await UnixGetAsync(settings.StatusSocket, StatusEndpoint.Path);
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonSerializer.Deserialize(json, StatusJsonContext.Default.AgentStatusDocument)!;
        Assert.Equal(VersionCommand.Version, document.Agent.Version);
        Assert.Equal(Environment.ProcessId, document.Agent.Pid);
        Assert.True(document.Agent.Ready);
        Assert.NotNull(document.Agent.ReadyAt);
        Assert.True(document.Agent.UptimeSeconds >= 0);
        Assert.Equal([agent.BaseAddress.ToString().TrimEnd('/')], document.Agent.Listen);
        Assert.Equal(settings.Root, document.Store.Root);
        Assert.Equal((1, 1L, 3L, bytes), (document.Store.Repositories, document.Store.Manifests, document.Store.Blobs, document.Store.Bytes));
        Assert.True(document.Store.FreeBytes > 0);
        Assert.True(document.Store.TotalBytes >= document.Store.FreeBytes);
        Assert.Null(document.Store.LastError);
        Assert.Empty(document.Peers);
        using var keys = JsonDocument.Parse(json);
        Assert.Equal(["agent", "store", "peers", "gc", "guard", "upstreams", "scrub", "inventory"], keys.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(keys.RootElement.GetProperty("store").TryGetProperty("lastError", out var lastError));
        Assert.Equal(JsonValueKind.Null, lastError.ValueKind);
    }

    [Fact]
    public async Task Get_OnTcpListener_404AndNoStatus()
    {
        await using var agent = await RunningAgent.StartAsync(RunningAgent.SettingsIn(_temp));
        using var http = new HttpClient { BaseAddress = agent.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await http.GetAsync(StatusEndpoint.Path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("uptimeSeconds", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RegistryApiOnStatusSocket_404()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var agent = await RunningAgent.StartAsync(settings);

        using var response = await UnixGetAsync(settings.StatusSocket, "/v2/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Start_MissingDirectory_Created0750AndSocket0600()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var agent = await RunningAgent.StartAsync(settings);

        var directory = Path.GetDirectoryName(settings.StatusSocket)!;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(settings.StatusSocket));
    }

    [Fact]
    public async Task Start_StaleSocketFromEarlierRun_RemovedAndServed()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.StatusSocket)!);
        // A socket file nobody listens on, as a killed agent leaves it (bound, never unlinked). The socket stays
        // open so .NET does not unlink the file itself when it is disposed.
        using var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        crashed.Bind(new UnixDomainSocketEndPoint(settings.StatusSocket));

        Assert.True(Path.Exists(settings.StatusSocket));
        await using var agent = await RunningAgent.StartAsync(settings);

        using var response = await UnixGetAsync(settings.StatusSocket, StatusEndpoint.Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Start_SocketHeldBySecondAgent_SecondServesRegistryWithoutStatus()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var first = await RunningAgent.StartAsync(settings);

        await using var second = await RunningAgent.StartAsync(settings with { Root = _temp.File("root2") });
        using var http = new HttpClient { BaseAddress = second.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var registry = await http.GetAsync("/v2/");
        using var status = await UnixGetAsync(settings.StatusSocket, StatusEndpoint.Path);
        var document = JsonSerializer.Deserialize(await status.Content.ReadAsStringAsync(), StatusJsonContext.Default.AgentStatusDocument)!;

        Assert.Equal(HttpStatusCode.OK, registry.StatusCode);
        Assert.False(second.Services.GetRequiredService<StatusSocket>().IsListening);
        Assert.Equal(settings.Root, document.Store.Root);
    }

    [Fact]
    public async Task Start_SocketPathLongerThanAUnixSocketName_RegistryServesWithoutStatus()
    {
        // Each component is short; only the whole is over sun_path's 108 bytes (this used to crash serve at start-up).
        var settings = RunningAgent.SettingsIn(_temp) with { StatusSocket = Path.Combine(_temp.Path, new string('d', 60), new string('e', 60), "status.sock") };
        Directory.CreateDirectory(Path.GetDirectoryName(settings.StatusSocket)!);

        await using var agent = await RunningAgent.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = agent.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var registry = await http.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, registry.StatusCode);
        Assert.False(agent.Services.GetRequiredService<StatusSocket>().IsListening);
        Assert.False(Path.Exists(settings.StatusSocket));
    }

    [Theory]
    [InlineData(StatusSocket.MaxPathBytes, null)]
    [InlineData(StatusSocket.MaxPathBytes + 1, "the path is 108 bytes long, and a unix socket's can be at most 107 (give a shorter --status-socket)")]
    public void NameProblem_ByLength_OnlyTooLongANameIsAProblem(int bytes, string? problem) =>
        Assert.Equal(problem, StatusSocket.NameProblem("/" + new string('s', bytes - 1)));

    [Fact]
    public async Task Start_FileWithContentAtSocketPath_LeftAloneAndRegistryServes()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.StatusSocket)!);
        await File.WriteAllTextAsync(settings.StatusSocket, "not a socket");

        await using var agent = await RunningAgent.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = agent.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var registry = await http.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, registry.StatusCode);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(settings.StatusSocket));
    }

    [Fact]
    public async Task ReadAsync_AgentUp_DocumentWithoutError()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var agent = await RunningAgent.StartAsync(settings);

        var reading = await StatusClient.ReadAsync(settings.StatusSocket, CancellationToken.None);

        Assert.Null(reading.Error);
        Assert.True(reading.Document!.Agent.Ready);
    }

    [Fact]
    public async Task ReadAsync_NoSocket_NotRunningNamingThePath()
    {
        var socket = _temp.File("absent.sock");

        var reading = await StatusClient.ReadAsync(socket, CancellationToken.None);

        Assert.Null(reading.Document);
        Assert.Equal($"not running (no status socket at {socket})", reading.Error);
    }

    [Fact]
    public async Task ReadAsync_AgentAcceptsButNeverAnswers_TimesOutWithinBound()
    {
        var socket = _temp.File("hung.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socket));
        listener.Listen(4);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var reading = await StatusClient.ReadAsync(socket, CancellationToken.None);

        Assert.Equal($"the agent on {socket} did not answer within {StatusClient.Timeout.TotalSeconds:0} s", reading.Error);
        // The timeout fires from the runtime's timer queue, whose ticks can land a millisecond before the stopwatch
        // reads the full bound (1.9994 s was seen): the lower bound allows for that. Generous upper bound: the test
        // host runs many servers in parallel on two cores.
        Assert.InRange(started.Elapsed, StatusClient.Timeout - TimeSpan.FromMilliseconds(50), StatusClient.Timeout + TimeSpan.FromSeconds(8));
    }

    private static async Task<HttpResponseMessage> UnixGetAsync(string socketPath, string path)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync(new Uri("http://localhost" + path));
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
