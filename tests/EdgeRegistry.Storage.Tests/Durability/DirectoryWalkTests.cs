using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Testing.FaultInjection;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// The directories a publish needs are found by one stat per level, walking up from the leaf once (a rehydrating node
/// publishes every small object into a directory of its own), and are still made durably and survive a power cut.
/// </summary>
public sealed class DirectoryWalkTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private FaultInjectingDirectory Directories => (FaultInjectingDirectory)_f.Fs.Directory;

    private DurableFiles Files() => new(_f.Fs, _f.Sync, _f.Store.Paths);

    [Fact]
    public void WriteAtomically_ThreeLevelsMissing_OneExistsPerLevelAndOneForTheParentThatIs()
    {
        var files = Files();
        string parent = Path.Combine(_f.Store.Paths.Repositories, "walk");
        Directory.CreateDirectory(parent);
        string leaf = Path.Combine(parent, "a", "b", "c");
        int before = Directories.ExistsCalls;

        files.WriteAtomically(Path.Combine(leaf, "link"), "x"u8.ToArray());

        Assert.Equal(4, Directories.ExistsCalls - before);
        Assert.Equal("x", File.ReadAllText(Path.Combine(leaf, "link")));
    }

    [Fact]
    public void WriteAtomically_DirectoryExists_OneExists()
    {
        var files = Files();
        string directory = Path.Combine(_f.Store.Paths.Repositories, "there");
        Directory.CreateDirectory(directory);
        int before = Directories.ExistsCalls;

        files.WriteAtomically(Path.Combine(directory, "link"), "y"u8.ToArray());

        Assert.Equal(1, Directories.ExistsCalls - before);
    }

    [Fact]
    public void EnsureDirectory_TwoLevelsMissing_OneExistsPerLevelPlusTheTempCheck()
    {
        var files = Files();
        string directory = Path.Combine(_f.Store.Paths.Root, "docker", "registry", "v2", "new", "deeper");
        int before = Directories.ExistsCalls;

        files.EnsureDirectory(directory);

        // "new" and "deeper" missing, v2 there (3), and whether the temp directory exists to stage them in (1).
        Assert.Equal(4, Directories.ExistsCalls - before);
        Assert.True(Directory.Exists(directory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
    }

    [Fact]
    public void EnsureDirectory_Exists_OneExistsAndNoFsync()
    {
        var files = Files();
        int before = Directories.ExistsCalls, syncs = _f.Sync.DirectorySyncs;

        files.EnsureDirectory(_f.Store.Paths.Blobs);

        Assert.Equal(1, Directories.ExistsCalls - before);
        Assert.Equal(syncs, _f.Sync.DirectorySyncs);
    }

    [Fact]
    public void EnsureDirectory_OutsideTheStore_MadeInPlaceWithEachParentFsynced()
    {
        var files = Files();
        string outside = _f.Root + "-outside";
        string directory = Path.Combine(outside, "x", "y");
        int syncs = _f.Sync.DirectorySyncs;
        try
        {
            files.EnsureDirectory(directory);

            Assert.True(Directory.Exists(directory));
            // outside, x and y were made: the parent of each was fsynced.
            Assert.Equal(3, _f.Sync.DirectorySyncs - syncs);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void WriteAtomically_LevelsMissing_SurviveAPowerCut()
    {
        var files = Files();
        string link = Path.Combine(_f.Store.Paths.Repositories, "cut", "_layers", "sha256", "abc", "link");

        files.WriteAtomically(link, "z"u8.ToArray());
        _f.PowerCutAndRestart();

        Assert.Equal("z", File.ReadAllText(link));
    }
}
