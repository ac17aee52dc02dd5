namespace EdgeRegistry.Content.Transfer;

/// <summary>
/// A body whose every read must make progress within a bound: a remote that stops sending without closing (a cut
/// link, a hung or hostile server) fails the copy with an IOException naming the stall, instead of holding it —
/// and the flight of its digest — forever. Only the time spent waiting on the remote counts: a consumer that pauses
/// between reads (a bandwidth cap, a slow disk) does not.
/// </summary>
public sealed class StallGuardStream(Stream inner, TimeSpan stallTimeout, string remote) : ReadOnlyWrapperStream(inner)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadWithinAsync(Inner, buffer, stallTimeout, remote, cancellationToken);

    /// <summary>One read of <paramref name="source"/> bounded by <paramref name="stallTimeout"/>; for wrappers that do more per read.</summary>
    /// <param name="remote">Who failed to send, for the message: "the upstream", "the peer".</param>
    public static async ValueTask<int> ReadWithinAsync(Stream source, Memory<byte> buffer, TimeSpan stallTimeout, string remote,
        CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(stallTimeout);
        try
        {
            return await source.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"{remote} sent nothing for {stallTimeout.TotalSeconds:0} s");
        }
    }
}
