using System.Text.Json;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Systemd.Tests.Units;

namespace EdgeRegistry.Host.Tests.Status;

/// <summary>`edgereg status` in-process against a real agent on a temp unix socket, and a real dbus-daemon with a fake systemd.</summary>
public sealed class StatusCommandTests : IClassFixture<FakeSystemdBus>, IDisposable
{
    private readonly FakeSystemdBus _systemd;
    private readonly TempDirectory _temp = new();
    private readonly string _emptyConfig;

    public StatusCommandTests(FakeSystemdBus systemd)
    {
        _systemd = systemd;
        // An empty config file keeps the machine's /etc/edgereg/config.json out of the test.
        _emptyConfig = _temp.WriteFile("config.json", "{}");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Status_AgentUpAndBusUnreachable_DegradedWithUnitsUnknownExit1()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await StoreContent.PushImageAsync(RegistryStore.Open(settings.Root), "library/alpine", "3.20", "alpine");
        await using var agent = await RunningAgent.StartAsync(settings);
        var process = Process(busAddress: $"unix:path={_temp.File("no-bus")}");

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", settings.StatusSocket);

        Assert.Equal(1, exit);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("DEGRADED", lines[0]);
        Assert.Matches(@"^agent            ready    edgereg .+, pid \d+, up \d+s, listening on http://127\.0\.0\.1:\d+, ready since ", lines[1]);
        Assert.StartsWith($"store            ok       {settings.Root}: 1 repositories, 1 manifests, 3 blobs, ", lines[2], StringComparison.Ordinal);
        Assert.Matches(@" free of .+ \(\d+%\)$", lines[2]);
        // What the kernel says of the temp directory's file system (on this machine ext4 without a journal: at-risk).
        var fileSystem = StoreFileSystem.Detect(settings.Root)!;
        string fsState = fileSystem.DurabilityProblem is null ? "ok" : "at-risk";
        Assert.StartsWith($"filesystem       {fsState,-7}  {fileSystem.Describe()}", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("guard            ok       within --min-free 1%", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("edgereg.service  unknown  systemd not reachable over D-Bus: ", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("crio.service     unknown  ", lines[6], StringComparison.Ordinal);
        Assert.StartsWith("kubelet.service  unknown  ", lines[7], StringComparison.Ordinal);
        Assert.StartsWith("gc               idle     no run yet; next in ", lines[8], StringComparison.Ordinal);
        Assert.StartsWith("scrub            idle     no full pass yet; next pass in ", lines[9], StringComparison.Ordinal);
        Assert.Equal(10, lines.Length);
        Assert.DoesNotContain('\u001b', process.Output);
    }

    [Fact]
    public async Task Status_JsonAgentUpAndBusUnreachable_StableSchemaDegraded()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var agent = await RunningAgent.StartAsync(settings);
        var process = Process(busAddress: $"unix:path={_temp.File("no-bus")}");

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", settings.StatusSocket, "--json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(process.Output);
        var root = json.RootElement;
        Assert.Equal(["schemaVersion", "verdict", "problems", "agent", "storeReadFrom", "store", "peers", "systemd", "gc", "guard", "upstreams", "scrub", "inventory"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("degraded", root.GetProperty("verdict").GetString());
        var fileSystem = StoreFileSystem.Detect(settings.Root)!;
        Assert.Equal(fileSystem.DurabilityProblem is null ? 3 : 4, root.GetProperty("problems").GetArrayLength());
        Assert.Equal(["running", "socket", "error", "version", "pid", "startedAt", "uptimeSeconds", "listen", "ready", "readyAt"],
            root.GetProperty("agent").EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("agent").GetProperty("running").GetBoolean());
        Assert.Equal(settings.StatusSocket, root.GetProperty("agent").GetProperty("socket").GetString());
        Assert.Equal("agent", root.GetProperty("storeReadFrom").GetString());
        Assert.Equal(["root", "repositories", "manifests", "blobs", "bytes", "freeBytes", "totalBytes", "countedAt", "lastError", "fileSystem"],
            root.GetProperty("store").EnumerateObject().Select(p => p.Name));
        var fsJson = root.GetProperty("store").GetProperty("fileSystem");
        Assert.Equal(["mountPoint", "type", "device", "journaled", "durabilityProblem"], fsJson.EnumerateObject().Select(p => p.Name));
        Assert.Equal((fileSystem.Type, fileSystem.MountPoint), (fsJson.GetProperty("type").GetString(), fsJson.GetProperty("mountPoint").GetString()));
        Assert.Equal(0, root.GetProperty("store").GetProperty("repositories").GetInt32());
        var systemd = root.GetProperty("systemd");
        Assert.False(systemd.GetProperty("reachable").GetBoolean());
        Assert.StartsWith("systemd not reachable over D-Bus: ", systemd.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(["edgereg.service", "crio.service", "kubelet.service"],
            systemd.GetProperty("units").EnumerateArray().Select(unit => unit.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Status_AgentDown_DownExit2AndStoreCountedFromDisk()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await StoreContent.PushImageAsync(RegistryStore.Open(settings.Root), "app", "v1", "app");
        var process = Process(busAddress: $"unix:path={_temp.File("no-bus")}");

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", settings.StatusSocket,
            "--root", settings.Root, "--listen", "127.0.0.1:5000");

        Assert.Equal(2, exit);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("DOWN", lines[0]);
        Assert.Equal($"agent            down     not running (no status socket at {settings.StatusSocket}); see `systemctl status edgereg` and `journalctl -u edgereg -n 50`", lines[1]);
        Assert.StartsWith($"store            ok       {settings.Root}: 1 repositories, 1 manifests, 3 blobs, ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_JsonAgentDown_StoreReadFromStoreAndConfiguredListen()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await StoreContent.PushImageAsync(RegistryStore.Open(settings.Root), "app", "v1", "app");
        var process = Process(busAddress: $"unix:path={_temp.File("no-bus")}");

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", settings.StatusSocket,
            "--root", settings.Root, "--listen", "127.0.0.1:5000", "--json");

        Assert.Equal(2, exit);
        using var json = JsonDocument.Parse(process.Output);
        var root = json.RootElement;
        Assert.Equal("down", root.GetProperty("verdict").GetString());
        Assert.False(root.GetProperty("agent").GetProperty("running").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("agent").GetProperty("pid").ValueKind);
        Assert.Equal(["127.0.0.1:5000"], root.GetProperty("agent").GetProperty("listen").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("store", root.GetProperty("storeReadFrom").GetString());
        Assert.Equal(1, root.GetProperty("store").GetProperty("repositories").GetInt32());
        Assert.Equal(3, root.GetProperty("store").GetProperty("blobs").GetInt64());
        Assert.Contains(root.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("agent: down, not running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_AgentDownAndBadStorePath_DownStoreUnreadableNothingCreated()
    {
        var missing = _temp.File("no-such-store");
        var process = Process(busAddress: $"unix:path={_temp.File("no-bus")}");

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", _temp.File("absent.sock"), "--root", missing);

        Assert.Equal(2, exit);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("DOWN", lines[0]);
        Assert.Equal($"store            unreadable  {missing}: store root {missing} does not exist", lines[2]);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Status_UnitsFromSystemdOnRealBus_InactiveAndFailedUnitsDegradeExit1()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var agent = await RunningAgent.StartAsync(settings);
        var process = Process(busAddress: _systemd.Bus.PathAddress);

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", settings.StatusSocket);

        Assert.Equal(1, exit);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("DEGRADED", lines[0]);
        Assert.Equal("edgereg.service  active    active (running) since 2023-11-14 22:13:20Z, pid 4242", lines[5]);
        Assert.Equal("crio.service     inactive  inactive (dead)", lines[6]);
        Assert.Equal("kubelet.service  failed    failed (failed) since 2020-09-13 12:26:40Z", lines[7]);
    }

    [Fact]
    public async Task Status_JsonUnitsFromSystemdOnRealBus_UnitStatesAndProblems()
    {
        var settings = RunningAgent.SettingsIn(_temp);
        await using var agent = await RunningAgent.StartAsync(settings);
        var process = Process(busAddress: _systemd.Bus.PathAddress);

        var exit = await process.RunAsync("status", "--config", _emptyConfig, "--status-socket", settings.StatusSocket, "--json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(process.Output);
        var root = json.RootElement;
        Assert.Equal("degraded", root.GetProperty("verdict").GetString());
        Assert.True(root.GetProperty("systemd").GetProperty("reachable").GetBoolean());
        var edgereg = root.GetProperty("systemd").GetProperty("units")[0];
        Assert.Equal(["name", "loadState", "activeState", "subState", "since", "mainPid", "error"], edgereg.EnumerateObject().Select(p => p.Name));
        Assert.Equal("running", edgereg.GetProperty("subState").GetString());
        Assert.Equal(4242u, edgereg.GetProperty("mainPid").GetUInt32());
        Assert.Equal(["crio.service: inactive, inactive (dead)", "kubelet.service: failed, failed (failed) since 2020-09-13 12:26:40Z"],
            root.GetProperty("problems").EnumerateArray().Select(p => p.GetString())
                .Where(p => !p!.StartsWith("filesystem:", StringComparison.Ordinal))); // the temp directory's file system may be at risk
    }

    [Theory]
    [InlineData("--listen", "nonsense", "edgereg: --listen \"nonsense\": expected HOST:PORT")]
    [InlineData("--status-socket", " ", "edgereg: --status-socket \" \": expected a path")]
    [InlineData("--config", "/nonexistent/edgereg.json", "edgereg: --config \"/nonexistent/edgereg.json\": file not found")]
    public async Task Status_BadOption_ClearErrorExit2(string flag, string value, string message)
    {
        var process = Process(busAddress: $"unix:path={_temp.File("no-bus")}");
        List<string> args = ["status", flag, value];
        if (flag != "--config")
        {
            args.AddRange(["--config", _emptyConfig]);
        }

        var exit = await process.RunAsync([.. args]);

        Assert.Equal(2, exit);
        Assert.Equal([message], process.ErrorLines);
        Assert.Empty(process.Output);
    }

    private static CapturedProcess Process(string busAddress) =>
        new(environment: new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = busAddress });
}
