using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>
/// One verified blob of a <see cref="BlobStore.CommitLinked"/> round: its bytes, and the repository to link it into
/// if <see cref="MayLink"/> (asked just before the renames) still says so.
/// </summary>
internal readonly record struct LinkedBlob(ReadOnlyMemory<byte> Content, Digest Digest, RepositoryName Repository, Func<bool> MayLink);
