using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Transfer;

/// <summary>What a batch answered for one digest (see <see cref="BlobBatchWire"/>).</summary>
internal enum BatchAnswer
{
    /// <summary>The blob's bytes were read into the caller's buffer (not yet verified: that is the store's import).</summary>
    Blob,
    Missing,
    Large,
}

/// <summary>
/// Reads a peer's batch answer frame by frame, checking each against what was asked: the digest in its place, a
/// header line of bounded length, a length within <see cref="BlobBatchWire.MaxBlobBytes"/>, and the whole body there.
/// Anything else is <see cref="InvalidDataException"/>, which blames the peer: a peer that cannot keep to the format
/// is not trusted with the rest of the batch (each blob left is then fetched alone).
/// </summary>
internal sealed class BlobBatchReader : IAsyncDisposable
{
    private readonly PipeReader _pipe;

    public BlobBatchReader(Stream body) =>
        _pipe = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));

    /// <summary>The answer for <paramref name="expected"/>; a blob's bytes go into <paramref name="buffer"/> (length returned).</summary>
    public async ValueTask<(BatchAnswer Answer, int Length)> NextAsync(Digest expected, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        string header = await ReadHeaderAsync(expected, cancellationToken).ConfigureAwait(false);
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !Digest.TryParse(header[..space], out var digest) || digest != expected)
        {
            throw new InvalidDataException($"answered the blob batch out of order (\"{Printable(header)}\" where {expected} was due)");
        }
        string word = header[(space + 1)..];
        if (word == BlobBatchWire.Missing) return (BatchAnswer.Missing, 0);
        if (word == BlobBatchWire.Large) return (BatchAnswer.Large, 0);
        if (!int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length > BlobBatchWire.MaxBlobBytes
            || length > buffer.Length)
        {
            throw new InvalidDataException($"announced an unusable length \"{Printable(word)}\" for {expected} in a blob batch");
        }
        await ReadExactlyAsync(buffer[..length], expected, cancellationToken).ConfigureAwait(false);
        return (BatchAnswer.Blob, length);
    }

    private async ValueTask<string> ReadHeaderAsync(Digest expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = read.Buffer;
            if (data.PositionOf((byte)'\n') is { } end)
            {
                var line = data.Slice(0, end);
                if (line.Length > BlobBatchWire.MaxHeaderBytes) break;
                string header = Encoding.ASCII.GetString(line);
                _pipe.AdvanceTo(data.GetPosition(1, end));
                return header;
            }
            if (data.Length > BlobBatchWire.MaxHeaderBytes) break;
            if (read.IsCompleted)
            {
                _pipe.AdvanceTo(data.End);
                throw new InvalidDataException($"ended the blob batch before answering {expected}");
            }
            _pipe.AdvanceTo(data.Start, data.End);
        }
        throw new InvalidDataException($"sent a header line longer than {BlobBatchWire.MaxHeaderBytes} bytes in a blob batch");
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> into, Digest expected, CancellationToken cancellationToken)
    {
        int copied = 0;
        while (copied < into.Length)
        {
            var read = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = read.Buffer;
            var take = data.Slice(0, Math.Min(data.Length, into.Length - copied));
            take.CopyTo(into.Span[copied..]);
            copied += (int)take.Length;
            _pipe.AdvanceTo(take.End);
            if (copied < into.Length && read.IsCompleted)
            {
                throw new InvalidDataException($"sent {copied} of the {into.Length} bytes it announced for {expected} in a blob batch");
            }
        }
    }

    private static string Printable(string text) =>
        string.Concat(text.Take(80).Select(static c => c is >= ' ' and <= '~' ? c : '?'));

    public ValueTask DisposeAsync() => _pipe.CompleteAsync();
}
