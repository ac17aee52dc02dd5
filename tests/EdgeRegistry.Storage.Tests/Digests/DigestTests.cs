using System.Security.Cryptography;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Tests.Support;

namespace EdgeRegistry.Storage.Tests.Digests;

public sealed class DigestTests
{
    [Fact]
    public void TryParse_WellFormedDigest_AcceptsAndRoundTrips() =>
        Properties.Hold(DigestGenerators.Valid, text => Digest.TryParse(text, out var digest) && digest.ToString() == text);

    [Fact]
    public void TryParse_CorruptedDigest_Rejects() =>
        Properties.Hold(DigestGenerators.Invalid, text => !Digest.TryParse(text, out _));

    [Fact]
    public void Compute_AnyContent_MatchesSystemHashAndParsesBack() =>
        Properties.Hold(DigestGenerators.Content, content =>
        {
            var sha256 = ContentHasher.Compute(DigestAlgorithm.Sha256, content);
            var sha512 = ContentHasher.Compute(DigestAlgorithm.Sha512, content);
            return sha256.ToString() == "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content))
                && sha512.ToString() == "sha512:" + Convert.ToHexStringLower(SHA512.HashData(content))
                && Digest.TryParse(sha256.ToString(), out var parsed256) && parsed256 == sha256
                && Digest.TryParse(sha512.ToString(), out var parsed512) && parsed512 == sha512;
        });

    [Fact]
    public void Current_ContentAppendedInPieces_EqualsOneShotDigest() =>
        Properties.Hold(DigestGenerators.Content, content =>
        {
            using var hasher = new ContentHasher(DigestAlgorithm.Sha512);
            int half = content.Length / 2;
            hasher.Append(content.AsSpan(0, half));
            var partial = hasher.Current();
            hasher.Append(content.AsSpan(half));
            return partial == ContentHasher.Compute(DigestAlgorithm.Sha512, content.AsSpan(0, half))
                && hasher.Current() == ContentHasher.Compute(DigestAlgorithm.Sha512, content);
        });

    [Fact]
    public void TryParse_EmptyBlobDigest_HasSha256AlgorithmAndHex()
    {
        Assert.True(Digest.TryParse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", out var digest));
        Assert.Equal(DigestAlgorithm.Sha256, digest.Algorithm);
        Assert.Equal("sha256", digest.AlgorithmName);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest.Hex);
        Assert.Equal(ContentHasher.Compute(DigestAlgorithm.Sha256, []), digest);
    }

    [Fact]
    public void TryParse_Null_Rejects() => Assert.False(Digest.TryParse(null, out _));

    [Fact]
    public void TryCreate_DirectoryNameThatIsNotLowerHex_Rejects()
    {
        Assert.False(Digest.TryCreate(DigestAlgorithm.Sha256, "..", out _));
        Assert.False(Digest.TryCreate(DigestAlgorithm.Sha256, new string('A', 64), out _));
        Assert.False(Digest.TryCreate(DigestAlgorithm.Sha512, new string('a', 64), out _));
        Assert.True(Digest.TryCreate(DigestAlgorithm.Sha512, new string('a', 128), out var digest));
        Assert.Equal("sha512:" + new string('a', 128), digest.ToString());
    }

    [Fact]
    public void FromHash_WrongHashLength_Throws() =>
        Assert.Throws<ArgumentException>(() => Digest.FromHash(DigestAlgorithm.Sha512, new byte[32]));
}
