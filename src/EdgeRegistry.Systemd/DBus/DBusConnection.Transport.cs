using System.Net.Sockets;

namespace EdgeRegistry.Systemd.DBus;

public sealed partial class DBusConnection
{
    private async Task SendAsync(DBusMessage message, CancellationToken ct)
    {
        if (_failure is { } failure) throw failure;
        byte[] bytes = MessageCodec.Encode(message);
        if (bytes.Length > MaxMessageBytes) throw new DBusProtocolException($"outgoing message of {bytes.Length} bytes exceeds the {MaxMessageBytes}-byte limit");
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A write cut short leaves half a message on the stream: nothing sent after it could be parsed by the bus.
            Fail(new DBusConnectionException($"writing to D-Bus at {Endpoint} failed: {e.Message}", e));
            throw;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var prefix = new byte[MessageCodec.FixedHeaderLength];
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                if (!await ReadExactlyOrEndAsync(prefix).ConfigureAwait(false))
                {
                    Fail(new DBusConnectionException($"D-Bus at {Endpoint} closed the connection"));
                    return;
                }
                int length = MessageCodec.GetMessageLength(prefix, MaxMessageBytes);
                var buffer = new byte[length];
                prefix.CopyTo(buffer, 0);
                await _stream.ReadExactlyAsync(buffer.AsMemory(prefix.Length), _closing.Token).ConfigureAwait(false);
                await DispatchAsync(MessageCodec.Decode(buffer)).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Whatever ends the loop, waiting calls must learn it now rather than at their timeout.
            string reason = e is DBusProtocolException ? "sent a malformed message: " + e.Message : e.Message;
            Fail(new DBusConnectionException($"D-Bus at {Endpoint} {reason}", e));
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer)
    {
        int read = await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, _closing.Token).ConfigureAwait(false);
        if (read == 0) return false;
        if (read < buffer.Length) throw new IOException($"connection ended inside a message header after {read} bytes");
        return true;
    }

    private async Task DispatchAsync(DBusMessage message)
    {
        switch (message.Type)
        {
            case DBusMessageType.MethodReturn or DBusMessageType.Error:
                if (_pending.TryRemove(message.ReplySerial!.Value, out TaskCompletionSource<DBusMessage>? waiter)) waiter.TrySetResult(message);
                break;
            case DBusMessageType.MethodCall:
                await AnswerCallAsync(message).ConfigureAwait(false);
                break;
            default:
                // Signals (NameAcquired after Hello, for one) and unknown types are not for us: the spec says ignore.
                break;
        }
    }

    private async Task AnswerCallAsync(DBusMessage call)
    {
        DBusMethodResult result;
        try
        {
            result = _methodHandler is { } handler
                ? handler(call)
                : DBusMethodResult.Error("org.freedesktop.DBus.Error.UnknownMethod", $"no method {call.Interface}.{call.Member} here");
        }
        catch (DBusErrorException e)
        {
            result = DBusMethodResult.Error(e.ErrorName, e.ErrorMessage);
        }
        catch (DBusProtocolException e)
        {
            result = DBusMethodResult.Error("org.freedesktop.DBus.Error.InvalidArgs", e.Message);
        }
        catch (Exception e)
        {
            // A failing handler answers with an error; it must not take the receive loop down with it.
            result = DBusMethodResult.Error("org.freedesktop.DBus.Error.Failed", e.Message);
        }
        if (call.Flags.HasFlag(DBusMessageFlags.NoReplyExpected)) return;
        var body = new MessageWriter();
        try
        {
            body.WriteValues(result.Signature, result.Values);
        }
        catch (DBusProtocolException e)
        {
            result = DBusMethodResult.Error("org.freedesktop.DBus.Error.Failed", "the handler's reply does not match its signature: " + e.Message);
            body = new MessageWriter();
            body.WriteValues(result.Signature, result.Values);
        }
        var reply = new DBusMessage
        {
            Type = result.ErrorName is null ? DBusMessageType.MethodReturn : DBusMessageType.Error,
            Serial = NextSerial(),
            ReplySerial = call.Serial,
            Destination = call.Sender,
            ErrorName = result.ErrorName,
            Signature = result.Signature,
            Body = body.ToArray(),
        };
        await SendAsync(reply, _closing.Token).ConfigureAwait(false);
    }
}
