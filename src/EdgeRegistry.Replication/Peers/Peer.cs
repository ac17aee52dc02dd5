namespace EdgeRegistry.Replication.Peers;

/// <summary>One peer: its health, the client that talks to it, and our view of its inventory.</summary>
public sealed record Peer(PeerState State, PeerClient Client, PeerView View)
{
    public string Member => State.Member;
}
