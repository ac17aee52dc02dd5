using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Upstream.Cluster;

/// <summary>
/// Which member fetches a digest from the upstream: rendezvous (highest random weight) hashing of the digest over
/// this node and the members it reaches, so every node that misses the same blob at once picks the same one, and
/// a member that goes away moves only its own share. Scores are a strict order, so a node only ever forwards to a
/// member scoring higher than itself: two nodes with different views of who is reachable cannot forward in a loop.
/// </summary>
public sealed class UplinkOwner(IUplinkPeers peers)
{
    /// <summary>The member to read the blob through, or null when this node is the one to fetch it.</summary>
    public UplinkPeer? OwnerOf(Digest digest) => OwnerOf(digest.ToString());

    /// <summary>
    /// The member that fetches a manifest over the uplink: keyed by the repository as this cluster names it and the
    /// reference (tag or digest), so every node asking for the same tag at once picks the same member.
    /// </summary>
    public UplinkPeer? OwnerOfManifest(string repository, string reference) => OwnerOf($"manifest\n{repository}\n{reference}");

    /// <summary>The member that owns <paramref name="key"/>'s uplink fetch, or null when it is this node.</summary>
    public UplinkPeer? OwnerOf(string key)
    {
        ulong best = Score(peers.Self, key);
        UplinkPeer? owner = null;
        foreach (var peer in peers.Reachable())
        {
            ulong score = Score(peer.Member, key);
            if (score > best || (score == best && string.CompareOrdinal(peer.Member, owner?.Member ?? peers.Self) > 0))
            {
                best = score;
                owner = peer;
            }
        }
        return owner;
    }

    internal static ulong Score(string member, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{member}\n{key}"), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
