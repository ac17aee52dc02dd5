using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tags;

/// <summary>
/// Serialises the writes of one tag — a client's push, a replicated update, a delete — so that "is the stored
/// update newer than this one?" and the write that follows are one step. Without it two replicated updates of a
/// tag learned from two peers at once (each fetching its manifest first) could land older-last and leave this
/// node on the losing digest while its peers agree on the winner. Striped: a fixed set of locks, not one per tag.
/// </summary>
internal sealed class TagWriteLocks
{
    private readonly object[] _stripes = Enumerable.Range(0, 64).Select(static _ => new object()).ToArray();

    public object For(RepositoryName repository, string tag) =>
        _stripes[(int)((uint)HashCode.Combine(repository.Value, tag) % (uint)_stripes.Length)];
}
