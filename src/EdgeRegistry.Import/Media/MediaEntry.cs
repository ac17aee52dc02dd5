namespace EdgeRegistry.Import.Media;

/// <summary>
/// One entry of the media as a source yields it, in media order. <see cref="Name"/> is the raw name as recorded
/// (checked by <see cref="EntryName"/> before use). The body of a file can be opened once, and only until the source
/// moves to its next entry (a tar is read as one stream); an entry whose body is never opened is skipped without
/// being read where the medium can seek.
/// </summary>
public sealed class MediaEntry
{
    private readonly Func<Stream>? _open;

    public MediaEntry(string name, MediaEntryKind kind, long length, EntryPosition position, string? linkName = null, Func<Stream>? open = null)
    {
        Name = name;
        Kind = kind;
        Length = length;
        Position = position;
        LinkName = linkName;
        _open = open;
    }

    public string Name { get; }

    public MediaEntryKind Kind { get; }

    /// <summary>The body's length as the medium records it (tar header, file size).</summary>
    public long Length { get; }

    public EntryPosition Position { get; }

    /// <summary>The target a link names, as recorded; null for other kinds.</summary>
    public string? LinkName { get; }

    /// <summary>The body; only for <see cref="MediaEntryKind.File"/>.</summary>
    public Stream OpenBody() => _open is null ? throw new InvalidOperationException($"{Name} has no body") : _open();
}
