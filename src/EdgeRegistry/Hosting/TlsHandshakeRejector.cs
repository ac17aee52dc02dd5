using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Connection middleware for plain-HTTP listeners. containers/image (CRI-O, skopeo, podman) tries
/// <c>https://</c> first even for an insecure registry and falls back to HTTP only when the TLS attempt
/// fails. Kestrel would read the ClientHello as a garbled HTTP request and leave the client waiting for a
/// ServerHello until its timeout; instead, a first byte of 0x16 (a TLS handshake record) is answered with a
/// fatal handshake_failure alert and the connection is closed, so the client falls back at once.
/// </summary>
internal sealed partial class TlsHandshakeRejector(ConnectionDelegate next, ILogger logger, TimeSpan firstByteTimeout)
{
    private const byte TlsHandshakeRecordType = 0x16;

    /// <summary>
    /// A TLS alert record: content type 21 (alert), record version 3.3 (what TLS 1.2/1.3 peers expect),
    /// length 2, then level 2 (fatal) and description 40 (handshake_failure).
    /// </summary>
    private static readonly byte[] HandshakeFailureAlert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        ReadResult result;
        // Kestrel's own header timeout only starts once the HTTP layer runs, so bound the peek here:
        // a client that connects and sends nothing must not hold the connection forever.
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(firstByteTimeout);
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort(new ConnectionAbortedException("No data received before the request headers timeout."));
                return;
            }
        }

        if (result.Buffer.IsEmpty || result.Buffer.FirstSpan[0] != TlsHandshakeRecordType)
        {
            // Not TLS: hand every byte, unconsumed and unexamined, to the HTTP layer.
            input.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
            await next(connection);
            return;
        }

        input.AdvanceTo(result.Buffer.End);
        Log.TlsHandshakeRejected(logger, connection.RemoteEndPoint?.ToString() ?? "unknown", connection.LocalEndPoint?.ToString() ?? "unknown");
        try
        {
            await connection.Transport.Output.WriteAsync(HandshakeFailureAlert, connection.ConnectionClosed);
            await connection.Transport.Output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ConnectionResetException)
        {
            // The client hung up first; it has already failed fast, which is all the alert was for.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8, Level = LogLevel.Debug,
            Message = "Refused a TLS handshake from {RemoteEndPoint} on plain-HTTP listener {LocalEndPoint}")]
        public static partial void TlsHandshakeRejected(ILogger logger, string remoteEndPoint, string localEndPoint);
    }
}
