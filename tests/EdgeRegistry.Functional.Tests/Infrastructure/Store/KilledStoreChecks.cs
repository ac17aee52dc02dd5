using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Store;

/// <summary>
/// What every SIGKILL drill asserts of a store the binary was killed on (the push, convergence, GC and import drills
/// share them): every object the store shows is complete and matches its digest, no link points nowhere, every tag
/// resolves to a complete image through edgereg, and CNCF Distribution serves the store as it was left.
/// </summary>
internal static class KilledStoreChecks
{
    /// <summary>The on-disk checks, cheap enough for every round of a drill (no server needed).</summary>
    /// <param name="converging">A replica still fetching: layer links may name blobs yet to arrive (see StoreIntegrity).</param>
    /// <param name="verified">Blobs hashed after earlier kills, hashed again only when changed (null: hash every blob).</param>
    public static void AssertOnDisk(string root, bool converging = false, VerifiedBlobs? verified = null)
    {
        var layout = new DistributionLayout(root);
        StoreIntegrity.AssertEveryBlobMatchesItsDigest(layout, verified: verified);
        StoreIntegrity.AssertNoLinkPointsNowhere(layout, allowPendingLayerLinks: converging);
    }

    /// <summary>Every tag on disk served completely by the running edgereg on the store.</summary>
    /// <returns>How many tags were checked.</returns>
    public static Task<int> AssertEdgeregServesEveryTagAsync(string root, RegistryHttp edgereg) =>
        StoreIntegrity.AssertEveryTagResolvesCompletelyAsync(new DistributionLayout(root), edgereg);

    /// <summary>
    /// Distribution (docker-registry 2.8.2) started on the store — edgereg must be stopped — serves every tag on disk
    /// completely, each manifest with the digest its link names.
    /// </summary>
    /// <returns>How many tags were checked.</returns>
    public static async Task<int> AssertDistributionServesEveryTagAsync(string root, string configDirectory, ITestOutputHelper output)
    {
        await using var distribution = await DistributionServer.StartAsync(root, configDirectory, output);
        using var http = new RegistryHttp(distribution.BaseAddress);
        return await StoreIntegrity.AssertEveryTagResolvesCompletelyAsync(new DistributionLayout(root), http);
    }
}
