using EdgeRegistry.Storage.Collection;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Tests.Collection;

/// <summary>The sweep's sorted table of which repositories link an unreferenced blob.</summary>
public sealed class UnreferencedLinksTests
{
    private static Digest Sha256(string text) => ContentHasher.Compute(DigestAlgorithm.Sha256, System.Text.Encoding.UTF8.GetBytes(text));

    private static Digest Sha512(string text) => ContentHasher.Compute(DigestAlgorithm.Sha512, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void RepositoriesOf_LinksAddedRepositoryByRepository_EachBlobsRepositoriesInOrderAndNoneForOthers()
    {
        var links = new UnreferencedLinks();
        var blobs = Enumerable.Range(0, 50).Select(i => Sha256($"blob {i}")).ToArray();
        for (int repository = 0; repository < 5; repository++)
        {
            // Repository r links every blob whose index is a multiple of r + 1.
            for (int i = 0; i < blobs.Length; i++)
            {
                if (i % (repository + 1) == 0) links.Add(blobs[i], repository);
            }
        }
        links.Add(Sha512("rare"), 3);
        links.Add(Sha512("rare"), 4);

        for (int i = 0; i < blobs.Length; i++)
            Assert.Equal(Enumerable.Range(0, 5).Where(r => i % (r + 1) == 0), links.RepositoriesOf(blobs[i]));
        Assert.Equal([3, 4], links.RepositoriesOf(Sha512("rare")));
        Assert.Empty(links.RepositoriesOf(Sha256("never linked")));
        Assert.Empty(links.RepositoriesOf(Sha512("never linked")));
    }

    [Fact]
    public void RepositoriesOf_LinkAddedAfterALookup_Found()
    {
        var links = new UnreferencedLinks();
        links.Add(Sha256("b"), 0);
        Assert.Empty(links.RepositoriesOf(Sha256("a")));

        links.Add(Sha256("a"), 1);

        Assert.Equal([1], links.RepositoriesOf(Sha256("a")));
        Assert.Equal([0], links.RepositoriesOf(Sha256("b")));
    }

    [Fact]
    public void PackedSha256_OrderAndRoundTrip_MatchTheHexText()
    {
        var digests = Enumerable.Range(0, 200).Select(i => Sha256($"order {i}")).ToList();

        var byPacked = digests.OrderBy(PackedSha256.From).Select(d => d.Hex);

        Assert.Equal(digests.Select(d => d.Hex).Order(StringComparer.Ordinal), byPacked);
        Assert.All(digests, d => Assert.Equal(d, PackedSha256.From(d).ToDigest()));
    }
}
