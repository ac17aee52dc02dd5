using System.Security.Cryptography;

namespace EdgeRegistry.Storage.Digests;

/// <summary>Incremental hashing for one digest algorithm; the digest of everything appended so far.</summary>
public sealed class ContentHasher : IDisposable
{
    private readonly IncrementalHash _hash;

    public ContentHasher(DigestAlgorithm algorithm)
    {
        Algorithm = algorithm;
        _hash = IncrementalHash.CreateHash(algorithm == DigestAlgorithm.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512);
    }

    private ContentHasher(DigestAlgorithm algorithm, IncrementalHash hash)
    {
        Algorithm = algorithm;
        _hash = hash;
    }

    public DigestAlgorithm Algorithm { get; }

    /// <summary>An independent hasher in this one's state: the two go on separately from here.</summary>
    public ContentHasher Clone() => new(Algorithm, _hash.Clone());

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    /// <summary>The digest of the bytes appended so far; the hasher can keep going afterwards.</summary>
    public Digest Current()
    {
        Span<byte> buffer = stackalloc byte[64];
        int written = _hash.GetCurrentHash(buffer);
        return Digest.FromHash(Algorithm, buffer[..written]);
    }

    public static Digest Compute(DigestAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[64];
        int written = algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(data, buffer) : SHA512.HashData(data, buffer);
        return Digest.FromHash(algorithm, buffer[..written]);
    }

    public void Dispose() => _hash.Dispose();
}
