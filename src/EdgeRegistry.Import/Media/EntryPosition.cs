namespace EdgeRegistry.Import.Media;

/// <summary>Where an entry is on the media, for messages an operator can act on: the archive (or directory), the entry and its byte offset.</summary>
public sealed record EntryPosition(string Medium, string Entry, long Offset)
{
    public override string ToString() => Offset >= 0 ? $"{Medium}, entry \"{Entry}\" at byte {Offset}" : $"{Medium}, entry \"{Entry}\"";
}
