using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Status;

namespace EdgeRegistry.Host.Tests.Status;

public sealed class StatusRowsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly AgentReport ReadyAgent = AgentReport.Up("/run/edgereg/status.sock",
        new AgentStatus("1.0.0", 4242, Now.AddHours(-2), 7200, ["http://0.0.0.0:5000"], true, Now.AddHours(-2)));

    private static readonly StoreStatus RoomyStore = new("/var/local-registry", 12, 40, 210, 3L << 30, 40L << 30, 100L << 30, Now, null);

    private static readonly SystemdStatus ActiveUnits = new(true, null,
    [
        new UnitStatus("edgereg.service", "loaded", "active", "running", Now.AddHours(-2), 4242, null),
        new UnitStatus("crio.service", "loaded", "active", "running", Now.AddHours(-2), 4300, null),
        new UnitStatus("kubelet.service", "loaded", "active", "running", Now.AddHours(-2), 4400, null),
    ]);

    [Fact]
    public void From_EverythingAnswers_HealthyWithOneLinePerConcern()
    {
        var peer = new PeerReport("10.0.0.2:5000", true, 1.24, Now.AddSeconds(-3), 0, 0, 2, 12L << 20, Now.AddMinutes(-5), null);

        var rows = StatusRows.From(ReadyAgent, RoomyStore, [peer], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Healthy, StatusRows.Verdict(rows));
        Assert.Equal(["agent", "store", "peer 10.0.0.2:5000", "edgereg.service", "crio.service", "kubelet.service"], rows.Select(r => r.Concern));
        Assert.Equal("edgereg 1.0.0, pid 4242, up 2h00m, listening on http://0.0.0.0:5000, ready since 2026-11-22 08:00:00Z", rows[0].Detail);
        Assert.Equal("/var/local-registry: 12 repositories, 40 manifests, 210 blobs, 3.0 GiB (counted 0s ago); 40.0 GiB free of 100.0 GiB (40%)", rows[1].Detail);
        Assert.Equal("1.2 ms, last contact 3s ago; they have 0 objects (0 B) we lack, we have 2 (12.0 MiB) they lack; converged 5m00s ago", rows[2].Detail);
        Assert.Empty(StatusRows.Problems(rows));
    }

    [Fact]
    public void From_PeerUnreachable_DegradedNamingThePeer()
    {
        var peer = new PeerReport("10.0.0.3:5000", false, null, Now.AddMinutes(-7), 3, 3L << 20, 0, 0, Now.AddHours(-1), "connection refused");

        var rows = StatusRows.From(ReadyAgent, RoomyStore, [peer], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        var problem = Assert.Single(StatusRows.Problems(rows));
        Assert.Equal("peer 10.0.0.3:5000: unreachable, last contact 7m00s ago: connection refused; they have 3 objects (3.0 MiB) we lack, we have 0 (0 B) they lack; converged 1h00m ago", problem);
    }

    [Fact]
    public void From_PeerStillBuildingItsInventory_DegradedSayingNothingIsLearnedFromIt()
    {
        var peer = new PeerReport("10.0.0.3:5000", true, 0.8, Now.AddSeconds(-2), 0, 0, 5, 5L << 20, null, null, Building: true);

        var rows = StatusRows.From(ReadyAgent, RoomyStore, [peer], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        Assert.Equal("building", rows[2].State);
        Assert.Equal("peer 10.0.0.3:5000: building, answers, but is still building its inventory: nothing is learned from it until that ends; "
            + "0.8 ms, last contact 2s ago; they have 0 objects (0 B) we lack, we have 5 (5.0 MiB) they lack; converged never",
            Assert.Single(StatusRows.Problems(rows)));
    }

    [Fact]
    public void From_FreeSpaceUnderTenPercent_Degraded()
    {
        var rows = StatusRows.From(ReadyAgent, RoomyStore with { FreeBytes = 9L << 30 }, [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        Assert.Equal("low-space", rows[1].State);
    }

    [Fact]
    public void From_StoreOnJournaledXfs_FileSystemLineOkAfterTheStore()
    {
        var xfs = new Storage.Durability.StoreFileSystem("/var", "xfs", "/dev/vda4", true);

        var rows = StatusRows.From(ReadyAgent, RoomyStore with { FileSystem = xfs }, [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Healthy, StatusRows.Verdict(rows));
        Assert.Equal(("filesystem", "ok", "xfs on /dev/vda4 at /var (journaled)"), (rows[2].Concern, rows[2].State, rows[2].Detail));
    }

    [Fact]
    public void From_StoreOnExt4WithoutJournal_DegradedSayingWhatAPowerCutDoes()
    {
        var ext4 = new Storage.Durability.StoreFileSystem("/var", "ext4", "/dev/vda4", false);

        var rows = StatusRows.From(ReadyAgent, RoomyStore with { FileSystem = ext4 }, [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        Assert.Equal("filesystem: at-risk, ext4 on /dev/vda4 at /var (no journal): ext4 on /dev/vda4 has no journal: after a power cut, "
            + "objects the registry acknowledged may be missing and the file system needs fsck", Assert.Single(StatusRows.Problems(rows)));
    }

    [Fact]
    public void From_StoreUnreadable_NoFileSystemLine()
    {
        var tmpfs = new Storage.Durability.StoreFileSystem("/", "tmpfs", "tmpfs", null);
        var unreadable = new StoreStatus("/var/local-registry", null, null, null, null, null, null, null, "Permission denied", tmpfs);

        var rows = StatusRows.From(ReadyAgent, unreadable, [], ActiveUnits, Now);

        Assert.DoesNotContain(rows, r => r.Concern == "filesystem");
    }

    private static readonly GuardReport OkGuard = new("ok", null, 40L << 30, 15L << 30, "15%", 3L << 30, null, 0, null, null, 0, null, "healthy", null);

    [Fact]
    public void From_InventoryBuilding_DegradedWithItsProgressThenHealthyOnceComplete()
    {
        var building = new InventoryReport(InventoryReport.Building, 41_250, 55_000, Now.AddSeconds(-6), null, 6.2, 1, null);

        var rows = StatusRows.From(ReadyAgent, RoomyStore, [], ActiveUnits, Now, inventory: building);

        var row = Assert.Single(rows, r => r.Concern == "inventory");
        Assert.Equal("building", row.State);
        Assert.Contains("41250 manifests read", row.Detail);
        Assert.Contains("replication waits", row.Detail);
        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));

        var complete = building with { State = InventoryReport.Complete, CompletedAt = Now };
        var done = StatusRows.From(ReadyAgent, RoomyStore, [], ActiveUnits, Now, inventory: complete);
        Assert.Equal("complete", Assert.Single(done, r => r.Concern == "inventory").State);
        Assert.Equal(StatusVerdict.Healthy, StatusRows.Verdict(done));
    }

    [Fact]
    public void From_GuardWithinLimits_HealthyGuardLineAfterStore()
    {
        var rows = StatusRows.From(ReadyAgent, RoomyStore, [], ActiveUnits, Now, guard: OkGuard);

        Assert.Equal(StatusVerdict.Healthy, StatusRows.Verdict(rows));
        Assert.Equal(("guard", "ok", "within --min-free 15%"), (rows[2].Concern, rows[2].State, rows[2].Detail));
    }

    [Fact]
    public void From_GuardAtLimitWithCopiesWaiting_DegradedWithTheNumbers()
    {
        var guard = OkGuard with
        {
            State = "over",
            Reason = "14.8 MiB free of 48.0 MiB, --min-free 16.0 MiB (16.0 MiB): at the limit, pushes are refused and copies wait",
            Refusals = 3,
            CopiesWaiting = 2,
        };

        var rows = StatusRows.From(ReadyAgent, RoomyStore, [], ActiveUnits, Now, guard: guard);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        Assert.Equal("guard: at-limit, 14.8 MiB free of 48.0 MiB, --min-free 16.0 MiB (16.0 MiB): at the limit, pushes are refused and copies wait; "
            + "2 copies from peers wait for room; 3 writes refused since start", Assert.Single(StatusRows.Problems(rows)));
    }

    [Theory]
    [InlineData("degraded", "not-writable", 1)]
    [InlineData("unhealthy", "unreadable", 2)]
    public void From_StoreProbeFails_GuardLineSaysSo(string health, string state, int exitCode)
    {
        var verdict = (StatusVerdict)exitCode;
        var rows = StatusRows.From(ReadyAgent, RoomyStore, [], ActiveUnits, Now, guard: OkGuard with { StoreHealth = health, StoreHealthProblem = "No space left on device" });

        Assert.Equal(verdict, StatusRows.Verdict(rows));
        Assert.Equal(state, rows[2].State);
        Assert.EndsWith($"store {health}: No space left on device", rows[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void From_AgentNotReady_Degraded()
    {
        var rows = StatusRows.From(ReadyAgent with { Ready = false, ReadyAt = null }, RoomyStore, [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        Assert.Equal("starting", rows[0].State);
    }

    [Fact]
    public void From_StoreUnreadableWhileAgentAnswers_Down()
    {
        var rows = StatusRows.From(ReadyAgent, new StoreStatus("/var/local-registry", null, null, null, null, null, null, null, "Permission denied"),
            [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Down, StatusRows.Verdict(rows));
    }

    [Fact]
    public void From_SystemdUnreachable_UnitsUnknownDegraded()
    {
        var unreachable = new SystemdStatus(false, "systemd not reachable over D-Bus: no bus",
            [new UnitStatus("crio.service", null, null, null, null, null, "systemd not reachable over D-Bus: no bus")]);

        var rows = StatusRows.From(ReadyAgent, RoomyStore, [], unreachable, Now);

        Assert.Equal(StatusVerdict.Degraded, StatusRows.Verdict(rows));
        Assert.Equal(new StatusRow("crio.service", "unknown", RowSeverity.Warning, "systemd not reachable over D-Bus: no bus"), rows[2]);
        Assert.Equal(["crio.service: unknown, systemd not reachable over D-Bus: no bus"], StatusRows.Problems(rows));
    }

    [Fact]
    public void From_CountsOlderThanRefreshPeriod_ShownWithTheirAge()
    {
        var rows = StatusRows.From(ReadyAgent, RoomyStore with { CountedAt = Now.AddSeconds(-74) }, [], ActiveUnits, Now);

        Assert.Equal("/var/local-registry: 12 repositories, 40 manifests, 210 blobs, 3.0 GiB (counted 1m14s ago); 40.0 GiB free of 100.0 GiB (40%)", rows[1].Detail);
    }

    [Fact]
    public void From_NotCountedYet_SaysSoInsteadOfZero()
    {
        var rows = StatusRows.From(ReadyAgent, new StoreStatus("/var/local-registry", null, null, null, null, 40L << 30, 100L << 30, null, null),
            [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Healthy, StatusRows.Verdict(rows));
        Assert.Equal("/var/local-registry: not counted yet; 40.0 GiB free of 100.0 GiB (40%)", rows[1].Detail);
    }

    [Fact]
    public void From_AgentDown_NamesTheCommandsToRunNext()
    {
        var down = AgentReport.Down("/run/edgereg/status.sock", "not running (no status socket at /run/edgereg/status.sock)", ["0.0.0.0:5000"]);

        var rows = StatusRows.From(down, RoomyStore, [], ActiveUnits, Now);

        Assert.Equal(StatusVerdict.Down, StatusRows.Verdict(rows));
        Assert.Equal("not running (no status socket at /run/edgereg/status.sock); see `systemctl status edgereg` and `journalctl -u edgereg -n 50`", rows[0].Detail);
    }
}
