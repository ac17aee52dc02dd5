namespace EdgeRegistry.Transport;

/// <summary>Bounds the transport enforces itself, where Kestrel's own limits do not reach.</summary>
public sealed class TransportLimits
{
    /// <summary>
    /// How long a file send may go without the client taking a piece of it. Kestrel's minimum response data rate
    /// only watches bytes written through Kestrel; a sendfile bypasses it, so without this a client that stops
    /// reading would hold its connection and the open blob for ever. A piece is <see cref="FileSender.PieceBytes"/>,
    /// so the default cuts clients that take less than 1 MiB in two minutes (about 9 KB/s) — stalled, not slow.
    /// </summary>
    public TimeSpan FileSendStall { get; set; } = TimeSpan.FromMinutes(2);
}
