using EdgeRegistry.Content.Transfer;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// A body read over the uplink: every read must make progress within <see cref="StallTimeout"/> (a cut uplink stops
/// sending without closing; the copy must fail, not hang), every byte is counted for the upstream's status and
/// metrics, and the per-upstream bandwidth cap (a shared token bucket) applies.
/// </summary>
internal sealed class UplinkStream(Stream inner, TokenBucket? bucket, Action<long> count) : ReadOnlyWrapperStream(inner)
{
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await StallGuardStream.ReadWithinAsync(Inner, buffer, StallTimeout, "the upstream", cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            count(read);
            if (bucket is not null) await bucket.TakeAsync(read, cancellationToken).ConfigureAwait(false);
        }
        return read;
    }
}
