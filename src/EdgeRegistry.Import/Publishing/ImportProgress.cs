namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// The import's progress, read by whoever shows it (a terminal progress line, periodic log lines) from another
/// thread: media bytes read or skipped out of the total, and the entry at hand.
/// </summary>
public sealed class ImportProgress
{
    private long _finishedBytes;
    private Media.IMediaSource? _current;

    public long TotalBytes { get; internal set; }

    /// <summary>Bytes of the media behind the import: finished sources plus the position in the current one.</summary>
    public long DoneBytes => Interlocked.Read(ref _finishedBytes) + (Volatile.Read(ref _current)?.Position ?? 0);

    public string? CurrentEntry { get; internal set; }

    /// <summary>"reading", then "publishing" (manifests and tags), then "done".</summary>
    public string Phase { get; internal set; } = "reading";

    internal void Start(Media.IMediaSource source) => Volatile.Write(ref _current, source);

    internal void Finish(Media.IMediaSource source)
    {
        Interlocked.Add(ref _finishedBytes, source.TotalBytes);
        Volatile.Write(ref _current, null);
    }
}
