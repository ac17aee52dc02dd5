using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Versions;

/// <summary>
/// Serialises the writes of one versioned object — a tag, or a manifest revision by digest — whether a client's
/// push, a replicated update or a delete, so that "does the stored version outrank this update?" and the write
/// that follows, with its version record, are one step. Without it two replicated updates of a tag learned from
/// two peers at once (each fetching its manifest first) could land older-last, or leave the tag file on one digest
/// and the recorded version on the other, and the node would stay on the losing digest while its peers agree on
/// the winner. Also a repository's link to a blob: its tombstone check, link and announcement against its delete.
/// Striped: a fixed set of locks, not one per object; 256 of them, because a blob import holds its stripe across one
/// durable round and 16 concurrent small-blob copies would often share one of 64 (about a quarter of them).
/// <para>
/// A write holds one stripe, and takes no other while it holds it — except the batch import of small blobs, which
/// holds the stripes of all its links across its one round (<see cref="EnterAll"/>), entered in ascending order. No
/// cycle of waits can form: a one-stripe writer waits for nothing while holding, and two batches enter in the same order.
/// </para>
/// </summary>
internal sealed class RevisionWriteLocks
{
    private readonly object[] _stripes = Enumerable.Range(0, 256).Select(static _ => new object()).ToArray();

    /// <summary>The lock of a tag or of a manifest revision (<paramref name="name"/> is the tag or the digest).</summary>
    public object For(RepositoryName repository, string name) => _stripes[Stripe(repository, name)];

    /// <summary>Holds the stripes of all <paramref name="keys"/> (each once) until disposed, entered in ascending order.</summary>
    public Held EnterAll(IEnumerable<(RepositoryName Repository, string Name)> keys)
    {
        int[] stripes = [.. keys.Select(key => Stripe(key.Repository, key.Name)).Distinct().Order()];
        int entered = 0;
        try
        {
            for (; entered < stripes.Length; entered++) Monitor.Enter(_stripes[stripes[entered]]);
        }
        catch
        {
            new Held(_stripes, stripes, entered).Dispose();
            throw;
        }
        return new Held(_stripes, stripes, entered);
    }

    private int Stripe(RepositoryName repository, string name) =>
        (int)((uint)HashCode.Combine(repository.Value, name) % (uint)_stripes.Length);

    /// <summary>Stripes entered by <see cref="EnterAll"/>; disposing leaves them in reverse order.</summary>
    public readonly struct Held(object[] locks, int[] stripes, int entered) : IDisposable
    {
        public void Dispose()
        {
            for (int i = entered - 1; i >= 0; i--) Monitor.Exit(locks[stripes[i]]);
        }
    }
}
