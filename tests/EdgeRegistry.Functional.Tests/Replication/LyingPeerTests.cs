using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Replication;

/// <summary>
/// Issue 3, shown to work 5: a peer whose store holds wrong bytes for a digest (same length, so only the digest
/// can tell) cannot inject them: nothing corrupt is committed anywhere, the pull is served correctly from the
/// honest peer or fails cleanly, and the node that lacked the blob still ends up with the right bytes.
/// </summary>
public sealed class LyingPeerTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task PeerHoldsWrongBytes_NodeLackingTheBlobPulls_NothingCorruptCommittedAndRightBytesArrive()
    {
        await using var rig = await ReplicationRig.StartOnLoopbackAsync(output);
        var cluster = rig.Cluster;
        var generated = TestImages.Image("lying-peer", layerCount: 2, layerBytes: 3 * 1024 * 1024);
        var image = await rig.PushAsync(cluster.A, "apps/lied-about", "v1", generated);
        await rig.AwaitReplicasAsync(cluster.Nodes, [image]);

        await cluster.C.StopAsync();
        cluster.C.Wipe();
        var corrupted = generated.Layers[0].Digest;
        CorruptKeepingLength(new DistributionLayout(cluster.A.Root).BlobData(corrupted));
        await cluster.C.StartAsync();
        await cluster.AwaitPeersSeenUpAsync();

        // C lacks everything and asks A or B for it: whichever it picks, the outcome must be right or a failure.
        var pull = await rig.Puller.TryPullAsync(image.TagReference(cluster.C.Host));
        output.WriteLine($"pull from the wiped node while A lies: {(pull.Succeeded ? "served" : "failed cleanly")}\n{pull.StandardError}");
        StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(cluster.C);
        StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(cluster.B);
        StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(cluster.A, exceptDigest: corrupted);

        await rig.AwaitReplicasAsync([cluster.C], [image]);
        StoreIntegrityOnDisk.AssertEveryBlobMatchesItsDigest(cluster.C);
        await rig.Puller.AssertPullsAsync(image.TagReference(cluster.C.Host), image);
        await rig.Puller.AssertPullsAsync(image.DigestReference(cluster.C.Host), image);
    }

    /// <summary>Flips bytes in the middle of the file: same length, wrong digest.</summary>
    private static void CorruptKeepingLength(string dataPath)
    {
        var bytes = File.ReadAllBytes(dataPath);
        for (var i = bytes.Length / 2; i < Math.Min(bytes.Length, (bytes.Length / 2) + 64); i++)
        {
            bytes[i] ^= 0xFF;
        }

        File.WriteAllBytes(dataPath, bytes);
    }
}
