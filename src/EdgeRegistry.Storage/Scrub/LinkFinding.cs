using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Scrub;

/// <summary>
/// A link of a repository the links walk found wrong. <see cref="Rewritten"/>: its content did not name the digest
/// its directory does, and it was rewritten in place (the directory is the truth in Distribution's layout).
/// Otherwise the link is sound but the blob it names has no <c>data</c> file.
/// </summary>
public readonly record struct LinkFinding(Digest Digest, bool IsRevision, bool Rewritten);
