using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>The store's file system as the kernel reports it, on real mounts: journaled ext4, ext4 without a journal, tmpfs.</summary>
public sealed class StoreFileSystemTests
{
    [Fact]
    public void Detect_JournaledExt4_JournaledAndNoProblem()
    {
        using var mount = Ext4ImageMount.Make(journal: true);
        string store = Directory.CreateDirectory(Path.Combine(mount.Path, "local-registry")).FullName;

        var fs = StoreFileSystem.Detect(store)!;

        Assert.Equal(("ext4", mount.Path, true), (fs.Type, fs.MountPoint, fs.Journaled));
        Assert.StartsWith("/dev/loop", fs.Device, StringComparison.Ordinal);
        Assert.Null(fs.DurabilityProblem);
        Assert.Equal($"ext4 on {fs.Device} at {mount.Path} (journaled)", fs.Describe());
    }

    [Fact]
    public void Detect_Ext4WithoutJournal_ProblemNamesTheMissingJournal()
    {
        using var mount = Ext4ImageMount.Make(journal: false);

        var fs = StoreFileSystem.Detect(Path.Combine(mount.Path, "not-made-yet", "store"))!;

        Assert.Equal(("ext4", mount.Path, false), (fs.Type, fs.MountPoint, fs.Journaled));
        Assert.Contains("has no journal", fs.DurabilityProblem, StringComparison.Ordinal);
        Assert.EndsWith("(no journal)", fs.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_Tmpfs_ProblemSaysEverythingIsLostAtReboot()
    {
        using var mount = ScratchMount.Mount("tmpfs", "size=1m");

        var fs = StoreFileSystem.Detect(mount.Path)!;

        Assert.Equal(("tmpfs", mount.Path), (fs.Type, fs.MountPoint));
        Assert.Contains("lost at a reboot", fs.DurabilityProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_ThroughASymbolicLink_TheTargetsFileSystem()
    {
        using var mount = ScratchMount.Mount("tmpfs", "size=1m");
        string link = Path.Combine(Path.GetTempPath(), "edgereg-fs-link-" + Guid.NewGuid().ToString("N"));
        Directory.CreateSymbolicLink(link, mount.Path);
        try
        {
            Assert.Equal("tmpfs", StoreFileSystem.Detect(Path.Combine(link, "store"))!.Type);
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public void FromMountInfo_OverMountedAndEscapedPaths_TheDeepestLastMountWins()
    {
        const string mountInfo =
            "1 0 254:0 / / rw - ext4 /dev/vda rw\n" +
            "2 1 254:4 / /var rw shared:1 - xfs /dev/vda4 rw\n" +
            "3 2 0:40 / /var/my\\040store rw - tmpfs tmpfs rw\n" +
            "4 2 254:5 / /var/my\\040store rw master:2 - ext4 /dev/vdb rw\n" +
            "5 1 0:41 / /variable rw - tmpfs tmpfs rw\n";

        var fs = StoreFileSystem.FromMountInfo(mountInfo, "/var/my store/registry", d => d == "254:5")!;
        var var = StoreFileSystem.FromMountInfo(mountInfo, "/var/local-registry", _ => null)!;

        Assert.Equal(new StoreFileSystem("/var/my store", "ext4", "/dev/vdb", true), fs);
        Assert.Equal(new StoreFileSystem("/var", "xfs", "/dev/vda4", true), var);
        Assert.Null(StoreFileSystem.FromMountInfo("garbage line\n", "/var", _ => null));
    }
}
