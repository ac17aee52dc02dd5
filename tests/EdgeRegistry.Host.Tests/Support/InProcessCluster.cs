using System.Net;
using EdgeRegistry.Configuration;
using EdgeRegistry.Hosting;
using EdgeRegistry.Logging;
using Microsoft.AspNetCore.Builder;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>
/// A three-member cluster whose nodes run as real hosts in this process on 127.0.0.1, .2 and .3, one free port and
/// one shared secret file. Tests start the members they need (often two, the third never starting, so it is a peer
/// that stays down) and change each one's settings with <c>with</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class InProcessCluster
{
    private readonly TempDirectory _temp;
    private readonly string _secret;

    public InProcessCluster(TempDirectory temp)
    {
        _temp = temp;
        Port = FreePort.Next();
        _secret = temp.File("cluster.secret");
        File.WriteAllText(_secret, new string('k', 64));
        File.SetUnixFileMode(_secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Members = [new("127.0.0.1", Port), new("127.0.0.2", Port), new("127.0.0.3", Port)];
    }

    public int Port { get; }

    public IReadOnlyList<MemberEndpoint> Members { get; }

    /// <summary>The address of member <paramref name="index"/> (0, 1 or 2) as <c>host:port</c>.</summary>
    public string Member(int index) => $"127.0.0.{index + 1}:{Port}";

    /// <summary>Member <paramref name="index"/>'s settings: its own store under the test's directory, anonymous writes from loopback.</summary>
    public ServeSettings Settings(int index) => new()
    {
        AnonymousWrites = true,
        Listen = [new ListenEndpoint(IPAddress.Parse($"127.0.0.{index + 1}"), Port)],
        Root = Directory.CreateDirectory(_temp.File($"member-{index + 1}")).FullName,
        CredentialsFile = _temp.File("no-credentials"),
        LogLevel = LogEventLevel.Warning,
        Members = Members,
        ClusterSecretFile = _secret,
    };

    /// <summary>A client of member <paramref name="index"/>'s API; redirects are never followed, so a 307 shows as one.</summary>
    public HttpClient Client(int index, TimeSpan timeout) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
        {
            BaseAddress = new Uri($"http://{Member(index)}/"),
            Timeout = timeout,
        };

    /// <summary>Builds, opens the store of and starts a member the way <c>edgereg serve</c> does.</summary>
    public static async Task<InProcessNode> StartAsync(ServeSettings settings)
    {
        var (replication, problems) = ClusterSetup.Resolve(settings);
        Assert.Empty(problems);
        var app = RegistryHost.Build(settings, LoggingSetup.CreateLogger(LogEventLevel.Warning, ConsoleStyle.Plain), replication: replication);
        RegistryHost.OpenStore(app);
        await app.StartAsync();
        return new InProcessNode(app, settings);
    }
}

/// <summary>One started member; disposing it stops the host within a bound.</summary>
internal sealed class InProcessNode(WebApplication app, ServeSettings settings) : IAsyncDisposable
{
    public ServeSettings Settings { get; } = settings;

    /// <summary>The member's container: for tests that read what the host holds (its census, its inventory) or drive a feature directly (a garbage collection now).</summary>
    public IServiceProvider Services => app.Services;

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
