using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>Nothing corrupt is committed: every blob file of a node's store hashes to the digest it is filed under.</summary>
internal static class StoreIntegrityOnDisk
{
    public static void AssertEveryBlobMatchesItsDigest(ClusterNode node, string? exceptDigest = null)
    {
        try
        {
            StoreIntegrity.AssertEveryBlobMatchesItsDigest(new DistributionLayout(node.Root), exceptDigest);
        }
        catch (Xunit.Sdk.XunitException wrong)
        {
            throw new Xunit.Sdk.XunitException($"node {node.Name}: {wrong.Message}: corrupt content was committed");
        }
    }
}
