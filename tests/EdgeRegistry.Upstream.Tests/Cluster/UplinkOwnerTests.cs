using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Upstream.Cluster;

namespace EdgeRegistry.Upstream.Tests.Cluster;

public sealed class UplinkOwnerTests
{
    private static readonly string[] Members = ["10.0.0.1:5000", "10.0.0.2:5000", "10.0.0.3:5000"];

    private sealed class View(string self, IEnumerable<string> reachable) : IUplinkPeers
    {
        public string Self => self;

        public IReadOnlyList<UplinkPeer> Reachable() => reachable.Select(m => new UplinkPeer(m, new Uri($"http://{m}/"))).ToList();

        public void Sign(HttpRequestMessage request) => throw new InvalidOperationException("the owner election signs nothing");

        public (string? Member, string? Problem) Verify(Microsoft.AspNetCore.Http.HttpRequest request) => throw new InvalidOperationException("the owner election verifies nothing");
    }

    private static Digest DigestOf(int i) => ContentHasher.Compute(DigestAlgorithm.Sha256, BitConverter.GetBytes(i));

    /// <summary>The owner as each node names it: itself when OwnerOf answers null.</summary>
    private static string OwnerSeenBy(string self, IEnumerable<string> reachable, Digest digest) =>
        new UplinkOwner(new View(self, reachable)).OwnerOf(digest)?.Member ?? self;

    [Fact]
    public void OwnerOf_AllMembersReachable_EveryNodePicksTheSameOwnerAndLoadSpreads()
    {
        var owners = new Dictionary<string, int>();
        for (int i = 0; i < 300; i++)
        {
            var digest = DigestOf(i);
            var seen = Members.Select(self => OwnerSeenBy(self, Members.Where(m => m != self), digest)).Distinct().ToList();
            Assert.Single(seen);
            owners[seen[0]] = owners.GetValueOrDefault(seen[0]) + 1;
        }
        Assert.All(Members, m => Assert.InRange(owners.GetValueOrDefault(m), 60, 140));
    }

    [Fact]
    public void OwnerOf_OwnerUnreachable_NextHighestTakesOverAndNoForwardLoops()
    {
        for (int i = 0; i < 100; i++)
        {
            var digest = DigestOf(i);
            string owner = OwnerSeenBy(Members[0], Members[1..], digest);
            var rest = Members.Where(m => m != owner).ToArray();
            // With the owner gone, the two others agree on one of themselves.
            var seen = rest.Select(self => OwnerSeenBy(self, rest.Where(m => m != self), digest)).Distinct().ToList();
            Assert.Single(seen);
            Assert.NotEqual(owner, seen[0]);
            // A node forwards only to a member scoring higher than itself, so views that differ cannot loop.
            foreach (var self in Members)
            {
                var forwardedTo = OwnerSeenBy(self, Members.Where(m => m != self), digest);
                if (forwardedTo != self)
                    Assert.True(UplinkOwner.Score(forwardedTo, digest.ToString()) > UplinkOwner.Score(self, digest.ToString()));
            }
        }
    }

    [Fact]
    public void OwnerOfManifest_EveryNodePicksTheSameOwnerPerTagAndTheTagsSpread()
    {
        var owners = new Dictionary<string, int>();
        for (int i = 0; i < 300; i++)
        {
            string tag = $"v{i}";
            var seen = Members.Select(self => new UplinkOwner(new View(self, Members.Where(m => m != self))).OwnerOfManifest("cache/app", tag)?.Member ?? self)
                .Distinct().ToList();
            Assert.Single(seen);
            owners[seen[0]] = owners.GetValueOrDefault(seen[0]) + 1;
        }
        Assert.All(Members, m => Assert.InRange(owners.GetValueOrDefault(m), 60, 140));
        // The same reference in another repository is another fetch: its owner is chosen on its own.
        Assert.Contains(Enumerable.Range(0, 50), i =>
            new UplinkOwner(new View(Members[0], Members[1..])).OwnerOfManifest("cache/app", $"v{i}")?.Member
            != new UplinkOwner(new View(Members[0], Members[1..])).OwnerOfManifest("cache/other", $"v{i}")?.Member);
    }
}
