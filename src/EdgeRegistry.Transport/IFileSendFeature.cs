namespace EdgeRegistry.Transport;

/// <summary>
/// Lets a response body be sent from a file by the kernel (sendfile(2)) instead of being copied through user
/// space. Offered on every connection of <see cref="TcpTransportFactory"/>; usable only while the HTTP layer
/// writes straight into that connection (plain HTTP/1.x — not through TLS or any other wrapping middleware).
/// </summary>
/// <remarks>
/// The protocol, for a response whose headers (with Content-Length) are set:
/// flush the response so the headers reach the transport; call <see cref="BeginSend"/>; write the same number
/// of bytes through the response's body writer without filling them (the transport swallows them: they only keep
/// Kestrel's Content-Length accounting right); then await the returned task. The transport sends the file range
/// right after the bytes that preceded the call, so the response stays in order on the wire.
/// </remarks>
public interface IFileSendFeature
{
    /// <summary>False when the connection is wrapped (TLS) or already closing: write the body the ordinary way.</summary>
    bool CanSend { get; }

    /// <summary>
    /// Queues <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/> as the next
    /// bytes of the connection and starts swallowing the next <paramref name="count"/> bytes written to it.
    /// The task completes when the kernel has taken the whole range, and fails (IOException) when the connection
    /// broke or the file ended early; the connection is then aborted.
    /// </summary>
    /// <param name="file">An open, asynchronous <see cref="FileStream"/>; it must stay open until the task completes.</param>
    Task BeginSend(FileStream file, long offset, long count);
}
