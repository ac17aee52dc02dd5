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
/// </summary>
internal sealed class RevisionWriteLocks
{
    private readonly object[] _stripes = Enumerable.Range(0, 256).Select(static _ => new object()).ToArray();

    /// <summary>The lock of a tag or of a manifest revision (<paramref name="name"/> is the tag or the digest).</summary>
    public object For(RepositoryName repository, string name) =>
        _stripes[(int)((uint)HashCode.Combine(repository.Value, name) % (uint)_stripes.Length)];
}
