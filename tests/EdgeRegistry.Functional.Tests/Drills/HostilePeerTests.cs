using System.Diagnostics;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Peers;
using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using EdgeRegistry.Functional.Tests.Infrastructure.Store;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Drills;

/// <summary>
/// Issue 16's hostile peers: a member holding the cluster secret that announces an image and then, asked for its blobs,
/// never answers, stops mid-body, sends less than it announced, more than the blob, or wrong bytes. The node must store
/// nothing wrong, hang nowhere past its bound (a client read-through ends; the stall bound is 15 s), back the peer off
/// rather than hammer it, and say so in one clear log line naming the peer and the blob; once the peer turns honest
/// the node converges. (LyingPeerTests covers an edgereg peer whose disk holds wrong bytes.)
/// </summary>
public sealed class HostilePeerTests(ITestOutputHelper output)
{
    private const string Repository = "drill/hostile";

    /// <summary>The node's stall bound (PeerClient.BlobStallTimeout) and room for a loaded machine.</summary>
    private static readonly TimeSpan ClientBound = TimeSpan.FromSeconds(15 + 20);

    /// <summary>A peer in back-off is asked again now and then, not in a loop: at most one blob GET a second.</summary>
    private static readonly TimeSpan BackOffWindow = TimeSpan.FromSeconds(8);

    public static TheoryData<PeerHostility, string> Hostilities => new()
    {
        { PeerHostility.NoAnswer, "sent no answer for" },
        { PeerHostility.StallsMidBody, "the peer sent nothing for 15 s" },
        { PeerHostility.ShortBody, "failed:" },
        { PeerHostility.LongerThanBlob, "served bytes that do not match" },
        { PeerHostility.WrongBytes, "served bytes that do not match" },
    };

    [Theory(Timeout = TestTimeouts.TestMs)]
    [MemberData(nameof(Hostilities))]
    public async Task PeerMisbehavesOnBlobs_NothingStoredWrongNothingHangsPeerBackedOffAndLogged_ConvergesOnceHonest(
        PeerHostility hostility, string logged)
    {
        using var temp = new TempDirectory("hostile-peer");
        var port = FreePort.Next();
        var secret = ClusterSecretFile.Create(temp.Combine("cluster.secret"));
        var self = $"127.0.0.1:{port}";
        var image = TestImages.Image($"hostile-{hostility}", layerCount: 2, layerBytes: 512 * 1024);
        var expected = ExpectedImage.Of(Repository, "v1", image);
        await using var peer = new HostilePeer("127.0.0.2", port, new PeerSignature(PeerSignature.ReadSecretFile(secret), [self, $"127.0.0.2:{port}"]),
            Repository, "v1", image, hostility);
        var root = temp.Sub("root");
        await using var node = await EdgeregServer.StartAsync(new EdgeregOptions(root)
        {
            Port = port,
            ExtraArguments = ["--member", self, "--member", peer.Member, "--cluster-secret-file", secret],
        }, output);
        await Eventually.HoldsAsync("the node learning the tag from the peer's feed", TimeSpan.FromSeconds(30),
            () => ReplicaInspector.TagIs(root, Repository, "v1", image.Manifest.Digest));

        await AssertClientReadThroughEndsRightOrFailsAsync(node, image.Layers[0], temp);

        var digests = image.ReferencedBlobs.Select(b => b.Digest).ToList();
        await Eventually.HoldsAsync($"a log line naming {peer.Member}, a blob and \"{logged}\"", ClientBound,
            () => FailureLine(node.Output, peer.Member, digests, logged) is null ? "no such line yet" : null);
        output.WriteLine($"logged: {FailureLine(node.Output, peer.Member, digests, logged)}");
        StoreIntegrity.AssertEveryBlobMatchesItsDigest(new DistributionLayout(root));

        var asked = digests.Sum(peer.BlobGets);
        await Task.Delay(BackOffWindow);
        var askedAgain = digests.Sum(peer.BlobGets) - asked;
        output.WriteLine($"{asked} blob GETs until the failure was logged, {askedAgain} in the {BackOffWindow.TotalSeconds:0} s after");
        Assert.True(askedAgain <= BackOffWindow.TotalSeconds,
            $"the node asked the failing peer {askedAgain} times in {BackOffWindow.TotalSeconds:0} s: it is not backed off");
        StoreIntegrity.AssertEveryBlobMatchesItsDigest(new DistributionLayout(root));

        peer.Mode = PeerHostility.Honest;
        await Eventually.HoldsAsync("the node converging once the peer answers honestly", TimeSpan.FromSeconds(60),
            () => ReplicaInspector.Missing(root, expected));
        KilledStoreChecks.AssertOnDisk(root);
        Assert.Equal(0, peer.Refused);
    }

    /// <summary>
    /// A client pulling the blob the node lacks (a read-through from the hostile peer, the only one holding it) gets an
    /// error, a cut body, or the right bytes — within the bound, and never a complete body with wrong bytes. The client
    /// is curl, which does not retry: .NET's HttpClient silently resends a GET whose connection closed before any
    /// response byte, which would measure its retries instead of the node's bound.
    /// </summary>
    private async Task AssertClientReadThroughEndsRightOrFailsAsync(EdgeregServer node, OciBlob blob, TempDirectory temp)
    {
        var body = temp.Combine($"read-through-{Sha256Digest.Hex(blob.Digest)[..12]}");
        var watch = Stopwatch.StartNew();
        var curl = await ProcessRunner.RunAsync("curl",
            ["-sS", "-o", body, "-w", "%{http_code}", "--max-time", $"{(ClientBound + TimeSpan.FromSeconds(30)).TotalSeconds:0}",
                $"{node.BaseAddress}v2/{Repository}/blobs/{blob.Digest}"],
            TestTimeouts.ClientCommand);
        watch.Stop();
        string outcome;
        if (curl.ExitCode != 0)
        {
            outcome = $"cut the response (curl exit {curl.ExitCode}: {curl.StandardError.Trim()})";
        }
        else if (curl.StandardOutput.Trim() != "200")
        {
            outcome = $"answered {curl.StandardOutput.Trim()}";
        }
        else
        {
            Assert.True(Sha256Digest.OfFile(body) == blob.Digest, $"a client got a complete {new FileInfo(body).Length}-byte body that is not {blob.Digest}");
            outcome = "served the right bytes";
        }

        output.WriteLine($"client read-through {outcome} after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(watch.Elapsed < ClientBound, $"a client read-through took {watch.Elapsed.TotalSeconds:0} s ({outcome}): bound {ClientBound.TotalSeconds:0} s");
    }

    private static string? FailureLine(string log, string member, IReadOnlyList<string> digests, string logged) =>
        log.Split('\n').FirstOrDefault(line => line.Contains(member, StringComparison.Ordinal)
            && line.Contains(logged, StringComparison.Ordinal)
            && digests.Any(d => line.Contains(d, StringComparison.Ordinal)));
}
