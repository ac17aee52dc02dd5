
namespace EdgeRegistry.Storage.Tests.FaultInjection;

/// <summary>The injectors themselves: a fault that does not behave like the real error would prove nothing.</summary>
public sealed class FaultInjectingFileSystemTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FaultInjectingFileSystem _fs = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_BudgetRunsOutMidWrite_WritesPrefixThenThrowsEnospcUntilCleared()
    {
        string path = _dir.Combine("f");
        _fs.Faults.FailWritesAfter(10);
        using (var stream = _fs.FileStream.New(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            stream.Write(new byte[6]);
            var error = Assert.Throws<IOException>(() => stream.Write(new byte[6]));
            Assert.Equal(IoErrors.Enospc, error.HResult);
            Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
            Assert.Throws<IOException>(() => stream.Write(new byte[1]));
        }
        Assert.Equal(10, new FileInfo(path).Length);
        Assert.Equal(2, _fs.Faults.Injected);

        _fs.Faults.Clear();
        _fs.File.WriteAllBytes(path, new byte[20]);
        Assert.Equal(20, new FileInfo(path).Length);
    }

    [Fact]
    public async Task WriteAsync_NextWriteToMatchingPath_FailsOnceOnlyThere()
    {
        string victim = _dir.Combine("victim");
        string bystander = _dir.Combine("bystander");
        _fs.Faults.FailNextWrite(p => p.EndsWith("victim", StringComparison.Ordinal));

        await _fs.File.WriteAllBytesAsync(bystander, [1, 2, 3]);
        var error = await Assert.ThrowsAsync<IOException>(() => _fs.File.WriteAllBytesAsync(victim, [1, 2, 3]));
        Assert.Equal(IoErrors.Enospc, error.HResult);
        await _fs.File.WriteAllBytesAsync(victim, [4, 5]);

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(bystander));
        Assert.Equal([4, 5], await File.ReadAllBytesAsync(victim));
        Assert.Equal(1, _fs.Faults.Injected);
    }

    [Fact]
    public void Read_Armed_ThrowsEioFromStreamsAndWholeFileHelpers()
    {
        string path = _dir.Combine("f");
        File.WriteAllText(path, "content");
        _fs.Faults.FailReads();

        Assert.Equal(IoErrors.Eio, Assert.Throws<IOException>(() => _fs.File.ReadAllText(path)).HResult);
        using var stream = _fs.File.OpenRead(path);
        Assert.Equal(IoErrors.Eio, Assert.Throws<IOException>(() => stream.ReadByte()).HResult);
    }

    [Fact]
    public void Move_DestinationMatches_ThrowsAndLeavesBothFilesAsTheyWere()
    {
        string source = _dir.Combine("tmp");
        string destination = _dir.Combine("link");
        File.WriteAllText(source, "new");
        File.WriteAllText(destination, "old");
        _fs.Faults.FailMoves(p => p == destination);

        Assert.Throws<IOException>(() => _fs.File.Move(source, destination, overwrite: true));
        Assert.Equal("new", File.ReadAllText(source));
        Assert.Equal("old", File.ReadAllText(destination));
    }

    [Fact]
    public void Flush_Armed_Throws()
    {
        _fs.Faults.FailFlushes();
        using var stream = _fs.File.Create(_dir.Combine("f"));
        stream.Write([1]);
        Assert.Throws<IOException>(stream.Flush);
    }

    [Fact]
    public void FlushFile_WrappedStream_SyncsTheRealFileAndFailsWhenArmed()
    {
        var sync = new FaultInjectingFileSync(_fs.Faults);
        string path = _dir.Combine("f");
        using var stream = _fs.File.Create(path);
        stream.Write([1, 2]);

        sync.FlushFile(stream);
        Assert.Equal(2, new FileInfo(path).Length);

        _fs.Faults.FailFsync(p => p == path);
        Assert.Equal(IoErrors.Eio, Assert.Throws<IOException>(() => sync.FlushFile(stream)).HResult);
        sync.FlushDirectory(_dir.Path);
        Assert.Equal(2, sync.FileSyncs);
        Assert.Equal(1, sync.DirectorySyncs);
    }

    [Fact]
    public void Open_Armed_ThrowsBeforeCreatingTheFile()
    {
        string path = _dir.Combine("f");
        _fs.Faults.FailOpens();
        Assert.Throws<IOException>(() => _fs.File.Create(path));
        Assert.False(File.Exists(path));
    }

    /// <summary>23.x added span overloads; a collection expression binds to them, so they must be faulted too.</summary>
    [Fact]
    public void WriteAllBytes_SpanOverload_FaultedLikeTheArrayOne()
    {
        string path = _dir.Combine("span");
        _fs.Faults.FailNextWrite();

        Assert.Throws<IOException>(() => _fs.File.WriteAllBytes(path, [1, 2, 3]));

        Assert.Equal(1, _fs.Faults.Injected);
        Assert.Equal(0, new FileInfo(path).Length);
    }
}
