using System.Net;
using EdgeRegistry.Replication.Security;

namespace EdgeRegistry.Replication.Peers;

/// <summary>
/// Builds the <see cref="PeerSet"/> from the configured members. All peers share one connection pool: a handful of
/// peers never needs more, and one pool keeps the connect timeout and TLS settings in one place.
/// </summary>
internal sealed class PeerSetFactory(ReplicationOptions options, PeerAuthenticator authenticator, TimeProvider time)
{
    public PeerSet Create()
    {
        var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        return new PeerSet(options.Peers.Select(member =>
        {
            var state = new PeerState(member, time);
            return new Peer(state, new PeerClient(state, http, authenticator, options.Self, options.UseTls, options.MaxManifestBytes), new PeerView());
        }).ToList());
    }
}
