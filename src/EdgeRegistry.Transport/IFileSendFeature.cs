namespace EdgeRegistry.Transport;

/// <summary>
/// Lets a response body be sent from a file by the kernel (sendfile(2)) instead of being copied through user
/// space. Offered on every connection of <see cref="TcpTransportFactory"/>; usable only while the HTTP layer
/// writes straight into that connection (plain HTTP/1.x — not through TLS; a wrapping middleware only when it is an
/// <see cref="IForwardingDuplexPipe"/>).
/// </summary>
/// <remarks>
/// The protocol, for a response whose headers (with Content-Length) are set:
/// flush the response so the headers reach the transport; call <see cref="BeginSend"/> and await
/// <see cref="FileSend.Accepted"/>. True: write the same number of bytes through the response's body writer without
/// filling them (the transport swallows them: they only keep Kestrel's Content-Length accounting right), then await
/// <see cref="FileSend.Completion"/>. False (sendfile refused the file before any byte went out): write the body the
/// ordinary way. The transport sends the file range right after the bytes that preceded the call, so the response
/// stays in order on the wire.
/// </remarks>
public interface IFileSendFeature
{
    /// <summary>False when the connection is wrapped (TLS) or already closing: write the body the ordinary way.</summary>
    bool CanSend { get; }

    /// <summary>
    /// Queues <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/> as the next
    /// bytes of the connection. Its completion fails (IOException; ConnectionResetException when the connection
    /// went) when the connection broke or the file ended early; the connection is then aborted.
    /// </summary>
    /// <param name="file">An open, asynchronous <see cref="FileStream"/>; it must stay open until the completion.</param>
    FileSend BeginSend(FileStream file, long offset, long count);
}
