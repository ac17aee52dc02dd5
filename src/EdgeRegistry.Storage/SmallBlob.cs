using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage;

/// <summary>A small blob held whole in memory, as a peer served it, to import and link into <see cref="Repository"/>.</summary>
public readonly record struct SmallBlob(Digest Digest, ReadOnlyMemory<byte> Content, RepositoryName Repository);
