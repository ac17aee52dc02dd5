using EdgeRegistry.Content.Transfer;
using System.IO.Pipelines;
using EdgeRegistry.Content;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Transfer;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Replication.ReadThrough;

/// <summary>
/// A blob streamed to a client from a peer's opened response, by <see cref="ClientTee"/>, while the client drives
/// the blob's flight. Disposed unsent (the API did not need the body after all), it hands the flight back to the
/// fetcher, so the digest is never left with a flight nobody drives. Holds the client's activity mark
/// (background copies yield to it) until disposed.
/// </summary>
internal sealed class PeerBlobBody : BlobBody
{
    private readonly ClientTee _tee;
    private readonly RepositoryName _repository;
    private readonly BlobFlight _flight;
    private readonly Peer _peer;
    private readonly PeerBlobResponse _response;
    private readonly IDisposable _activity;
    private int _sent;

    public PeerBlobBody(ClientTee tee, RepositoryName repository, BlobFlight flight, Peer peer, PeerBlobResponse response, IDisposable activity)
        : base(flight.Digest, response.Length)
    {
        _tee = tee;
        _repository = repository;
        _flight = flight;
        _peer = peer;
        _response = response;
        _activity = activity;
    }

    public override Task<BlobSendResult> SendAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0) throw new InvalidOperationException($"the body of {Digest} was sent already");
        return _tee.StreamAsync(_repository, _flight, _peer, _response, destination, cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        _response.Dispose();
        if (Interlocked.Exchange(ref _sent, 1) == 0) _ = _tee.ContinueFlight(_flight, _repository);
        _activity.Dispose();
        return ValueTask.CompletedTask;
    }
}
