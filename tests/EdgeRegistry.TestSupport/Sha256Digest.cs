using System.Security.Cryptography;

namespace EdgeRegistry.TestSupport;

/// <summary>"sha256:&lt;hex&gt;" digests of bytes, streams and files, independent of the code under test.</summary>
public static class Sha256Digest
{
    public static string Of(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string OfStream(Stream content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return OfStream(stream);
    }

    /// <summary>The hex part of a "sha256:hex" digest.</summary>
    public static string Hex(string digest) =>
        digest.StartsWith("sha256:", StringComparison.Ordinal)
            ? digest["sha256:".Length..]
            : throw new ArgumentException($"not a sha256 digest: {digest}", nameof(digest));
}
