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

    public DigestAlgorithm Algorithm { get; }

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
