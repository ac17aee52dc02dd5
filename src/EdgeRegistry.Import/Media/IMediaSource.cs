namespace EdgeRegistry.Import.Media;

/// <summary>One tar archive or directory tree of the media, read once, front to back.</summary>
public interface IMediaSource
{
    /// <summary>The path the operator named, for messages.</summary>
    string Name { get; }

    /// <summary>Bytes the source holds (archive size, or the sum of its files' sizes), for progress.</summary>
    long TotalBytes { get; }

    /// <summary>Bytes of the source read or skipped so far.</summary>
    long Position { get; }

    /// <summary>
    /// The entries in media order. A damaged medium (a truncated tar, a bad header) ends the enumeration with a
    /// <see cref="MediaException"/> naming where; what was yielded before stays valid.
    /// </summary>
    IEnumerable<MediaEntry> Entries();
}
