using EdgeRegistry.Systemd.Tests.DBus;

namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>A private dbus-daemon with the fake systemd on it, shared by a test class.</summary>
public sealed class FakeSystemdBus : IAsyncLifetime
{
    /// <summary>2023-11-14T22:13:20.123456Z in systemd's microseconds.</summary>
    public const ulong EdgeregActiveSinceUsec = 1_700_000_000_123_456;

    private FakeSystemdService? _service;

    public PrivateBus Bus { get; } = new();

    internal FakeSystemdService Service => _service!;

    public async Task InitializeAsync() => _service = await FakeSystemdService.StartAsync(Bus.PathAddress,
    [
        new FakeUnit("edgereg.service", true, "loaded", "active", "running", EdgeregActiveSinceUsec, 4242, 1),
        new FakeUnit("crio.service", false, "loaded", "inactive", "dead", 0, 0, 0),
        new FakeUnit("kubelet.service", true, "loaded", "failed", "failed", 1_600_000_000_000_000, 0, 5),
        new FakeUnit("edgereg-metrics.socket", true, "loaded", "active", "listening", 1_600_000_000_000_000, 0, 0),
    ]);

    public Task DisposeAsync()
    {
        _service?.Dispose();
        Bus.Dispose();
        return Task.CompletedTask;
    }
}
