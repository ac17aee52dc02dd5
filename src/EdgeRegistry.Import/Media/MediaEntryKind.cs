namespace EdgeRegistry.Import.Media;

/// <summary>What an entry of the media is; only regular files carry bytes that are read.</summary>
public enum MediaEntryKind
{
    File,
    Directory,
    /// <summary>A tar hard link: no bytes of its own, it names an earlier entry (<see cref="MediaEntry.LinkName"/>).</summary>
    HardLink,
    /// <summary>A symbolic link: never followed, only its target text is read.</summary>
    SymbolicLink,
    /// <summary>Device nodes, FIFOs, sparse or unknown entry types: never read.</summary>
    Other,
}
