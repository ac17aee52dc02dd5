using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Replication.Security;

/// <summary>
/// The cluster's peer credentials for other features' member-to-member requests (the cache's uplink questions):
/// signs a request as this node, and tells which member signed an incoming one. The same header and secret as the
/// peer API, so such a request is as authenticated as a feed poll — and, like one, local-only to the distribution API.
/// </summary>
public sealed class PeerCredentials
{
    private readonly PeerAuthenticator _authenticator;
    private readonly string _self;

    internal PeerCredentials(PeerAuthenticator authenticator, ReplicationOptions options)
    {
        _authenticator = authenticator;
        _self = options.Self;
    }

    /// <summary>Adds this node's signature over the request's method and path.</summary>
    public void Sign(HttpRequestMessage request) =>
        request.Headers.TryAddWithoutValidation(PeerAuthenticator.HeaderName,
            _authenticator.Sign(_self, request.Method.Method, request.RequestUri!.PathAndQuery));

    /// <summary>The member that signed the request, or null with why its credentials were refused.</summary>
    public (string? Member, string? Problem) Verify(HttpRequest request) =>
        _authenticator.Verify(request.Headers[PeerAuthenticator.HeaderName], request.Method, request.Path + request.QueryString);
}
