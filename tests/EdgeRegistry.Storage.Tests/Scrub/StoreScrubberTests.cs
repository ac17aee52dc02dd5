using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Scrub;
using EdgeRegistry.Storage.Testing.Support;

namespace EdgeRegistry.Storage.Tests.Scrub;

/// <summary>
/// The scrub pass on a real store: every kind of damage is found, taken out of service at once (never served again,
/// caches forget it), reported once, and a pass resumes from its durable cursor.
/// </summary>
public sealed class StoreScrubberTests : IDisposable
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("scrub/app");
    private readonly StoreFixture _fixture = new();
    private readonly List<Damage> _damaged = [];

    public StoreScrubberTests() => _fixture.Store.Damaged += Record;

    public void Dispose() => _fixture.Dispose();

    private void Record(Damage damage)
    {
        lock (_damaged) _damaged.Add(damage);
    }

    private Task<ScrubCursor> PassAsync(Func<int, CancellationToken, ValueTask>? beforeRead = null, int chunk = 256,
        CancellationToken cancellationToken = default) =>
        new StoreScrubber(_fixture.Store, TimeProvider.System).RunPassAsync(_fixture.Store.ReadScrubCursor(), chunk,
            beforeRead ?? ((_, _) => ValueTask.CompletedTask), isArriving: null, cancellationToken);

    [Fact]
    public async Task A_sound_store_passes_without_damage_and_records_the_end_of_the_pass()
    {
        await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 1);
        var ended = await PassAsync();
        Assert.Empty(_damaged);
        Assert.False(ended.InPass);
        Assert.NotNull(ended.LastPassEnded);
        Assert.Equal(ended.Format(), _fixture.Reopen().ReadScrubCursor().Format());
    }

    [Fact]
    public async Task A_flipped_byte_in_a_layer_is_quarantined_and_never_served_again()
    {
        var image = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 2);
        var layer = image.Layers[0];
        byte[] bytes = File.ReadAllBytes(_fixture.BlobDataPath(layer));
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(_fixture.BlobDataPath(layer), bytes);

        await PassAsync();

        var damage = Assert.Single(_damaged);
        Assert.Equal(layer, damage.Digest);
        Assert.Equal(DamageKind.DigestMismatch, damage.Kind);
        Assert.Equal([Repo], damage.LayerOf);
        Assert.False(damage.IsManifest);
        Assert.Null(_fixture.Store.StatBlob(Repo, layer));
        Assert.Null(_fixture.Store.OpenBlob(Repo, layer));
        Assert.Null(_fixture.Store.BlobLength(layer));
        // Moved aside whole (for a post-mortem), under .edgereg/quarantine.
        Assert.StartsWith(_fixture.Store.Paths.Quarantine, damage.QuarantinedAt);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(damage.QuarantinedAt!, "data")));
        // The link stays: it says what a repair must fetch back.
        Assert.True(File.Exists(_fixture.Store.Paths.LayerLink(Repo, layer)));
    }

    [Fact]
    public async Task A_truncated_blob_is_found_by_its_hash()
    {
        var image = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 3);
        string path = _fixture.BlobDataPath(image.Config);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..10]);

        await PassAsync();

        var damage = Assert.Single(_damaged);
        Assert.Equal(image.Config, damage.Digest);
        Assert.Contains("10 bytes", damage.Cause);
        Assert.Null(_fixture.Store.StatBlob(Repo, image.Config));
    }

    [Fact]
    public async Task A_removed_data_file_is_found_by_the_link_that_names_it_and_reported_once()
    {
        var image = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 4);
        // The same image in a second repository: the blob is linked twice, and still one damage.
        await ImageBuilder.PushOciAsync(_fixture, "scrub/other", "v1", seed: 4);
        File.Delete(_fixture.BlobDataPath(image.Layers[1]));

        await PassAsync();

        var damage = Assert.Single(_damaged);
        Assert.Equal(image.Layers[1], damage.Digest);
        Assert.Equal(DamageKind.MissingData, damage.Kind);
        Assert.Equal([Repo, RepositoryName.Parse("scrub/other")], damage.LayerOf);
        Assert.Null(damage.QuarantinedAt);
    }

    [Fact]
    public async Task A_corrupt_manifest_revision_is_quarantined_and_the_manifest_cache_forgets_it()
    {
        var image = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 5);
        Assert.NotNull(_fixture.Store.GetManifest(Repo, "v1")); // cached now
        string path = _fixture.BlobDataPath(image.Digest);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[5] ^= 0x20;
        File.WriteAllBytes(path, bytes);

        await PassAsync();

        var damage = Assert.Single(_damaged);
        Assert.True(damage.IsManifest);
        Assert.Equal([Repo], damage.ManifestOf);
        Assert.Null(_fixture.Store.GetManifest(Repo, "v1"));
        Assert.Null(_fixture.Store.GetManifest(Repo, image.Digest.ToString()));
    }

    [Fact]
    public async Task A_link_whose_content_names_another_digest_is_rewritten_from_its_directory()
    {
        var image = await ImageBuilder.PushOciAsync(_fixture, Repo.Value, "v1", seed: 6);
        string link = _fixture.Store.Paths.LayerLink(Repo, image.Layers[0]);
        File.WriteAllText(link, "sha256:garbage");

        await PassAsync();

        Assert.Empty(_damaged);
        Assert.Equal(image.Layers[0].ToString(), File.ReadAllText(link));
    }

    [Fact]
    public async Task Every_byte_read_is_asked_of_the_pacer_first_in_chunks_no_larger_than_asked()
    {
        for (int i = 0; i < 3; i++) await ImageBuilder.PushOciAsync(_fixture, Repo.Value, $"v{i}", seed: 10 + i);
        long stored = _fixture.Store.EnumerateBlobs().Sum(b => b.Length);
        long asked = 0;
        int largest = 0;
        var ended = await PassAsync((bytes, _) =>
        {
            asked += bytes;
            largest = Math.Max(largest, bytes);
            return ValueTask.CompletedTask;
        }, chunk: 300);

        Assert.Equal(300, largest);
        Assert.True(asked >= stored, $"asked {asked} < read {stored}");
        Assert.Equal(0, ended.PassBytes); // reset at the end of the pass
    }

    [Fact]
    public async Task A_pass_cut_short_resumes_after_a_restart_where_its_cursor_says()
    {
        for (int i = 0; i < 6; i++) await ImageBuilder.PushOciAsync(_fixture, Repo.Value, $"v{i}", seed: 20 + i);
        var all = _fixture.Store.BlobsInOrder(null).Select(b => b.Digest).ToList();
        long stored = _fixture.Store.EnumerateBlobs().Sum(b => b.Length);

        // Stopped after half the blobs, as a shutdown stops it: the cursor is written on the way out.
        var scrubber = new StoreScrubber(_fixture.Store, TimeProvider.System);
        using var cut = new CancellationTokenSource();
        int chunks = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scrubber.RunPassAsync(_fixture.Store.ReadScrubCursor(), 1 << 20,
            (_, _) =>
            {
                if (++chunks > all.Count / 2) cut.Cancel();
                return ValueTask.CompletedTask;
            }, null, cut.Token));
        string position = scrubber.Progress.Position!;
        long passBytes = scrubber.Progress.PassBytes;

        var restarted = _fixture.Reopen();
        var cursor = restarted.ReadScrubCursor();
        Assert.True(cursor.InPass);
        Assert.Equal(position, cursor.Position);

        var resumed = new StoreScrubber(restarted, TimeProvider.System);
        var ended = await resumed.RunPassAsync(cursor, 1 << 20, (bytes, _) => ValueTask.CompletedTask, null, CancellationToken.None);

        int done = all.FindIndex(d => d.ToString() == position) + 1;
        Assert.Equal(all.Count - done, resumed.Progress.PassObjects);
        Assert.False(ended.InPass);
        Assert.True(passBytes > 0 && passBytes < stored);
        Assert.Equal(passBytes, cursor.PassBytes);
    }
}
