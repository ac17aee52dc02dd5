using System.Collections.Concurrent;
using EdgeRegistry.Storage.Layout;

namespace EdgeRegistry.Storage.Tests.Layout;

/// <summary>
/// Temporary names come from a per-process random prefix and a counter (no kernel randomness per name): unique however
/// many threads draw them, file names the store can create, and distinct between stores and processes.
/// </summary>
public sealed class TempNamesTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Next_ManyThreadsAtOnce_EveryNameUnique()
    {
        const int Threads = 16, PerThread = 20_000;
        var names = new ConcurrentBag<string>();
        using var start = new ManualResetEventSlim();
        var drawers = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var mine = new List<string>(PerThread);
            for (int i = 0; i < PerThread; i++) mine.Add(TempNames.Next());
            foreach (string name in mine) names.Add(name);
        })).ToArray();
        start.Set();
        await Task.WhenAll(drawers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Threads * PerThread, names.Count);
        Assert.Equal(Threads * PerThread, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Next_Name_OneRandomPrefixPerProcessAndAPlainFileName()
    {
        string first = TempNames.Next(), second = TempNames.Next();

        // "<24 hex>-<16 hex>": no separator or character a file system could refuse.
        Assert.Matches("^[0-9a-f]{24}-[0-9a-f]{16}$", first);
        Assert.Equal(first[..24], second[..24]);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void NewTempFile_TwoStoresOfOneProcess_DistinctPathsInTheTempDirectory()
    {
        var other = new StorePaths(_f.Root + "-other");

        string a = _f.Store.Paths.NewTempFile(), b = other.NewTempFile();

        Assert.Equal(_f.Store.Paths.Temp, Path.GetDirectoryName(a));
        Assert.NotEqual(Path.GetFileName(a), Path.GetFileName(b));
    }

    [Fact]
    public void NewTempFile_ThousandsWrittenThenRecovered_AllCreatableAndCleared()
    {
        for (int i = 0; i < 2000; i++)
        {
            using var stream = new FileStream(_f.Store.Paths.NewTempFile(), FileMode.CreateNew);
        }
        Assert.Equal(2000, Directory.EnumerateFiles(_f.Store.Paths.Temp).Count());

        _f.Reopen();

        Assert.Empty(Directory.EnumerateFileSystemEntries(_f.Store.Paths.Temp));
    }
}
