namespace EdgeRegistry.Replication.Convergence;

/// <summary>
/// Lets one background copy pause between chunks while clients are pulling through a peer, so a pod waiting for
/// its image gets the network, disk and CPU. The pauses of one copy add up to at most <see cref="Budget"/>: a
/// stream of client pulls can slow convergence down but never starve it.
/// </summary>
internal sealed class ClientYield(ClientActivity clients)
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private TimeSpan _left = Budget;

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (clients.Busy && _left > TimeSpan.Zero)
        {
            await Task.Delay(Step, cancellationToken).ConfigureAwait(false);
            _left -= Step;
        }
    }
}
