using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>Nothing corrupt is committed: every blob file of a node's store hashes to the digest it is filed under.</summary>
internal static class StoreIntegrityOnDisk
{
    public static void AssertEveryBlobMatchesItsDigest(ClusterNode node, string? exceptDigest = null)
    {
        foreach (var (digest, dataPath) in new DistributionLayout(node.Root).Blobs())
        {
            if (digest == exceptDigest)
            {
                continue;
            }

            var actual = Sha256Digest.OfFile(dataPath);
            Assert.True(actual == digest, $"node {node.Name}: {dataPath} holds {actual}, not {digest}: corrupt content was committed");
        }
    }
}
