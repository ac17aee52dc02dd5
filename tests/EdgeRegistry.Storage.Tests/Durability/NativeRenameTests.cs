using System.IO.Abstractions;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;

namespace EdgeRegistry.Storage.Tests.Durability;

/// <summary>
/// The publish path on the real file system renames through libc: a file replaces a file with one rename(2), a
/// directory level is renamed into place with RENAME_NOREPLACE so a level another writer made is never replaced,
/// and errors come back as the exceptions the store reads. The fallback (no RENAME_NOREPLACE) still publishes.
/// In one collection: the fallback test switches the process-wide choice.
/// </summary>
[Collection(NativeRenameCollection.Name)]
public sealed class NativeRenameTests : IDisposable
{
    private const int Enoent = 2;
    private const int Eisdir = 21;
    private readonly TempDirectory _dir = new("rename");
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;

    public NativeRenameTests()
    {
        _paths = new StorePaths(_dir.Path);
        Directory.CreateDirectory(_paths.Temp);
        _files = new DurableFiles(new FileSystem(), PosixFileSync.Instance, _paths);
    }

    public void Dispose()
    {
        NativeRename.RefuseNoReplaceForTests(false);
        _dir.Dispose();
    }

    [Fact]
    public void TryMoveNoReplace_DestinationIsAnEmptyDirectory_FalseAndBothKept()
    {
        string source = _dir.Sub("staged"), destination = _dir.Sub("level");
        File.WriteAllText(Path.Combine(source, "marker"), "ours");

        Assert.False(NativeRename.TryMoveNoReplace(source, destination));

        Assert.True(File.Exists(Path.Combine(source, "marker")));
        Assert.True(Directory.Exists(destination));
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    [Fact]
    public void TryMoveNoReplace_DestinationAbsent_MovedAtomically()
    {
        string source = _dir.Sub("staged"), destination = _dir.Combine("level");

        Assert.True(NativeRename.TryMoveNoReplace(source, destination));

        Assert.False(Directory.Exists(source));
        Assert.True(Directory.Exists(destination));
    }

    [Fact]
    public void Replace_FileOverFile_ContentReplacedSourceGone()
    {
        string source = _dir.WriteFile("new", "new"), destination = _dir.WriteFile("old", "old");

        NativeRename.Replace(source, destination);

        Assert.Equal("new", File.ReadAllText(destination));
        Assert.False(File.Exists(source));
    }

    [Fact]
    public void Replace_ParentMissing_DirectoryNotFoundWithEnoent()
    {
        string source = _dir.WriteFile("new", "new");

        var error = Assert.Throws<DirectoryNotFoundException>(() => NativeRename.Replace(source, _dir.Combine("gone", "link")));

        Assert.Equal(Enoent, error.HResult);
        Assert.Contains("gone", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(source));
    }

    [Fact]
    public void Replace_DestinationIsADirectory_IOExceptionWithItsErrnoAndNothingChanged()
    {
        string source = _dir.WriteFile("new", "new"), destination = _dir.Sub("dir");
        File.WriteAllText(Path.Combine(destination, "kept"), "kept");

        var error = Assert.Throws<IOException>(() => NativeRename.Replace(source, destination));

        Assert.Equal(Eisdir, error.HResult & 0xFFFF);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(destination, "kept")));
        Assert.True(File.Exists(source));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteAtomically_ManyWritersIntoOneNewTree_EveryFileLandsAndNothingIsLeftInTemp(bool refuseNoReplace)
    {
        NativeRename.RefuseNoReplaceForTests(refuseNoReplace);
        // 16 writers publish at once into siblings under the same missing levels: each level is made by one of them and
        // taken as it is by the others. Bounded: 8 rounds of 16 files.
        for (int round = 0; round < 8; round++)
        {
            string shared = Path.Combine(_paths.Repositories, $"r{round}", "_layers", "sha256");
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
                _files.WriteAtomically(Path.Combine(shared, $"{i:x2}", "link"), new[] { (byte)i }));
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal(new[] { (byte)i }, File.ReadAllBytes(Path.Combine(shared, $"{i:x2}", "link")));
            }
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_paths.Temp));
        Assert.Equal(refuseNoReplace, NativeRename.NoReplaceRefused);
    }

    [Fact]
    public void WriteAtomically_RenameFails_ThrownStoredContentKeptNothingLeftInTemp()
    {
        // The destination's parent exists, the destination itself is a directory: rename(2) refuses (EISDIR) after
        // the staged file is fsynced. The caller sees the failure (announces nothing) and what was stored stays.
        string kept = Path.Combine(_paths.Repositories, "r", "kept");
        _files.WriteAtomically(kept, new byte[] { 7 });
        string blocked = Path.Combine(_paths.Repositories, "r", "blocked");
        Directory.CreateDirectory(blocked);

        var e = Assert.Throws<IOException>(() => _files.WriteAtomically(blocked, new byte[] { 8 }));

        Assert.Equal(Eisdir, e.HResult);
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(kept));
        Assert.True(Directory.Exists(blocked));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_paths.Temp));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteAtomically_NewLeavesUnderAnExistingParent_EveryFileLands(bool refuseNoReplace)
    {
        // The common publish (a blob's data dir under its existing fan-out dir): the staged leaf is renamed straight
        // into place, the parent not stat'd. Also the syscall-count probe of this path (see tests/bench/RESULTS.md).
        NativeRename.RefuseNoReplaceForTests(refuseNoReplace);
        string parent = Path.Combine(_paths.Blobs, "sha256", "ab");
        _files.EnsureDirectory(parent);
        Parallel.For(0, 128, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            _files.WriteAtomically(Path.Combine(parent, $"ab{i:x4}", "data"), new[] { (byte)i }));
        for (int i = 0; i < 128; i++)
        {
            Assert.Equal(new[] { (byte)i }, File.ReadAllBytes(Path.Combine(parent, $"ab{i:x4}", "data")));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_paths.Temp));
    }

    [Fact]
    public void PublishFromTemp_FilesInOrder_AllInPlaceInOneRound()
    {
        string[] temps = _files.WriteTempFiles([new byte[] { 1 }, new byte[] { 2 }]);
        string first = Path.Combine(_paths.Repositories, "a", "data"), second = Path.Combine(_paths.Repositories, "a", "b", "link");
        long rounds = _files.TempDirectorySyncs;

        _files.PublishFromTemp([(temps[0], first), (temps[1], second)]);

        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(first));
        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(second));
        Assert.Equal(1, _files.TempDirectorySyncs - rounds);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_paths.Temp));
    }

    [Fact]
    public void WriteTempFiles_OneCannotBeCreated_NoneLeftAndTheErrorIsItsOwn()
    {
        // A temp directory that vanished: the first create fails; nothing half-made remains anywhere.
        Directory.Delete(_paths.Temp);

        Assert.ThrowsAny<IOException>(() => _files.WriteTempFiles([new byte[] { 1 }, new byte[] { 2 }]));

        Assert.False(Directory.Exists(_paths.Temp));
    }
}

[CollectionDefinition(Name)]
public sealed class NativeRenameCollection
{
    public const string Name = "native renames";
}
