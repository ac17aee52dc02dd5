using System.Net.Sockets;
using EdgeRegistry.Systemd.Notify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Systemd.Tests.Notify;

/// <summary>The library's SystemdLifetime as edgereg registers it under systemd, in a real host.</summary>
public sealed class SystemdServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgereg-lifetime-").FullName;

    [Fact]
    public async Task QuietenLifetime_SystemdLifetime_StillNotifiesButLogsNoBanner()
    {
        string path = Path.Combine(_directory, "notify");
        using Socket socket = NotifySocket.Bind(new UnixDomainSocketEndPoint(path));
        var records = new RecordingLoggerProvider();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(records);
        builder.Services.AddSingleton<ISystemdNotifier>(NotifySocket.CreateNotifier(path));
        // What AddSystemd registers when systemd runs the process (it checks the parent process, not a setting).
        builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();

        SystemdServiceCollectionExtensions.QuietenLifetime(builder.Services);
        using IHost host = builder.Build();
        await host.StartAsync();
        string ready = NotifySocket.Receive(socket);
        await host.StopAsync();
        string stopping = NotifySocket.Receive(socket);

        Assert.IsType<SystemdLifetime>(host.Services.GetRequiredService<IHostLifetime>());
        Assert.Equal("READY=1", ready);
        Assert.Equal("STOPPING=1", stopping);
        Assert.DoesNotContain(records.Entries, entry => entry.Category == "Microsoft.Hosting.Lifetime");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
