namespace EdgeRegistry.Replication.Peers;

/// <summary>One peer: its health, the client that talks to it, and our view of its inventory.</summary>
public sealed record Peer
{
    internal Peer(PeerState state, PeerClient client, PeerView view)
    {
        State = state;
        Client = client;
        View = view;
    }

    internal PeerState State { get; }

    internal PeerClient Client { get; }

    internal PeerView View { get; }

    public string Member => State.Member;

    /// <summary>Whether the peer answered its last request (the host's metrics read it).</summary>
    public bool Reachable => State.Reachable;

    /// <summary>Whether the peer answers but is still building its inventory (the host's metrics read it).</summary>
    public bool Building => State.Building;
}
