using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Testing.Support;

/// <summary>Deterministic test bytes: different seeds give different content, the same seed the same.</summary>
public static class TestContent
{
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static Digest Sha256(byte[] content) => ContentHasher.Compute(DigestAlgorithm.Sha256, content);

    public static Digest Sha512(byte[] content) => ContentHasher.Compute(DigestAlgorithm.Sha512, content);
}
