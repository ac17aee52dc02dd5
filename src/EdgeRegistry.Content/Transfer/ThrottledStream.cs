namespace EdgeRegistry.Content.Transfer;

/// <summary>A read-only stream that takes its bytes from a <see cref="TokenBucket"/> before handing them out.</summary>
/// <remarks>When <paramref name="unthrottled"/> turns true (a client is now waiting for this blob) the cap no longer applies.</remarks>
public sealed class ThrottledStream(Stream inner, TokenBucket bucket, Func<bool> unthrottled) : ReadOnlyWrapperStream(inner)
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0 && !unthrottled()) await bucket.TakeAsync(read, cancellationToken).ConfigureAwait(false);
        return read;
    }
}
