using System.Formats.Tar;

namespace EdgeRegistry.Import.Media;

/// <summary>
/// A tar archive (oc-mirror v1/v2 archive, oci-archive, or a tar of any supported tree) read with .NET's streaming
/// <see cref="TarReader"/>, which handles ustar, GNU (long names, long link names) and PAX headers. Nothing is
/// extracted: each entry's data is a window on the archive stream, read once by whoever imports it, and an entry
/// nobody opens is skipped by seeking (the archive is a file), so content already in the store costs no read.
/// </summary>
public sealed class TarMediaSource : IMediaSource
{
    /// <summary>
    /// Large reads: the media are USB disks or DVDs that deliver best with long sequential requests, and tar's own
    /// 512-byte records would otherwise turn into many small syscalls.
    /// </summary>
    private const int ReadBufferBytes = 1 << 20;

    private FileStream? _stream;

    public TarMediaSource(string path)
    {
        Name = path;
        TotalBytes = new FileInfo(path).Length;
    }

    public string Name { get; }

    public long TotalBytes { get; }

    public long Position => _stream is { CanSeek: true } stream ? SafePosition(stream) : 0;

    public IEnumerable<MediaEntry> Entries()
    {
        using var stream = new FileStream(Name, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBufferBytes, FileOptions.SequentialScan);
        _stream = stream;
        using var reader = new TarReader(stream, leaveOpen: true);
        string previous = "(start of archive)";
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry();
            }
            // OverflowException: .NET's TarReader parses some damaged numeric header fields with checked arithmetic
            // (found by the fuzz pass, corpus/tar/overflow-header.tar).
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or IOException or OverflowException)
            {
                throw new MediaException($"{Name}: the archive is damaged or truncated after entry \"{previous}\" (byte {SafePosition(stream)}): {e.Message}", e);
            }

            if (entry is null) yield break;
            previous = entry.Name;
            var position = new EntryPosition(Name, entry.Name, entry.DataOffset);
            yield return entry.EntryType switch
            {
                TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile =>
                    new MediaEntry(entry.Name, MediaEntryKind.File, entry.Length, position,
                        open: () => entry.DataStream ?? new MemoryStream([], writable: false)),
                TarEntryType.Directory => new MediaEntry(entry.Name, MediaEntryKind.Directory, 0, position),
                TarEntryType.HardLink => new MediaEntry(entry.Name, MediaEntryKind.HardLink, 0, position, entry.LinkName),
                TarEntryType.SymbolicLink => new MediaEntry(entry.Name, MediaEntryKind.SymbolicLink, 0, position, entry.LinkName),
                _ => new MediaEntry(entry.Name, MediaEntryKind.Other, entry.Length, position, entry.EntryType.ToString()),
            };
        }
    }

    private static long SafePosition(FileStream stream)
    {
        try { return stream.Position; }
        catch (ObjectDisposedException) { return 0; }
    }
}
