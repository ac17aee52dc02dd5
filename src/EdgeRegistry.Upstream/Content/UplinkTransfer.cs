using System.IO.Pipelines;
using EdgeRegistry.Content;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// Moves a blob from its origins into the store, driving the blob's single flight. With a client waiting, the bytes
/// are hashed once, streamed to the client and offered to a trailing <see cref="StoreCopy"/>; the last chunk goes
/// out only after the digest verified, so an upstream that sends wrong bytes cuts the response instead of completing
/// it, and nothing of it is stored. Without a client (a Range, a HEAD, a client that left, a disk that fell behind, an
/// origin cut mid-way) the flight is driven to its end in the background, continuing the import with a Range.
/// </summary>
internal sealed partial class UplinkTransfer(IRegistryStore store, ILogger logger)
{
    /// <summary>Origins tried per background drive before the flight gives up (the next request starts a new one).</summary>
    private const int MaxAttempts = 3;

    /// <summary>Opens the blob at the first origin that has it; the body (or Missing, the flight finished) is the caller's.</summary>
    public async Task<BlobLookup> OpenAsync(RepositoryName repository, BlobFlight flight, IReadOnlyList<IBlobOrigin> origins, Action<long> served,
        CancellationToken clientAborted)
    {
        try
        {
            foreach (var origin in origins)
            {
                var blob = await origin.OpenAsync(flight.Digest, 0, clientAborted).ConfigureAwait(false);
                if (blob is null) continue;
                try
                {
                    flight.BeginImport(store, blob.Length);
                }
                catch
                {
                    blob.Dispose();
                    throw;
                }
                return BlobLookup.Streaming(new UpstreamBlobBody(this, repository, flight, origin, blob, origins, served));
            }
        }
        catch (StoreException e)
        {
            LogStoreFailed(logger, flight.Digest.ToString(), e.Message);
            flight.Finish(false);
            return BlobLookup.Failed;
        }
        catch
        {
            flight.Finish(false); // never leave the digest with a flight nobody drives
            throw;
        }
        flight.Finish(false);
        return BlobLookup.Missing;
    }

    /// <summary>Streams the opened blob to the client and into the store; what is left undone goes to the background.</summary>
    public async Task<BlobSendResult> StreamAsync(RepositoryName repository, BlobFlight flight, IBlobOrigin origin, OpenedBlob blob,
        IReadOnlyList<IBlobOrigin> origins, Action<long> served, PipeWriter client, CancellationToken clientAborted)
    {
        var digest = flight.Digest;
        var import = flight.Import!;
        var hasher = import.TakeHash();
        bool hashHandedOver = false;
        try
        {
            var copy = new StoreCopy(import, StoreCopy.DefaultLagCapBytes, StoreCopy.DefaultClientWaitShare);
            bool clientAlive = true, verified = false;
            long hashed = 0;
            string? failure = null;
            try
            {
                var reader = new ReadAheadReader(blob.Body, 0, blob.BodyBytes, ReadAheadReader.DefaultDepth, CancellationToken.None);
                await using (reader.ConfigureAwait(false))
                {
                    // Not cancelled by the client: the store copy still needs the bytes once it has left.
                    while (await reader.NextAsync(CancellationToken.None).ConfigureAwait(false) is { } chunk)
                    {
                        try
                        {
                            hasher.Append(chunk.Span);
                            hashed += chunk.Length;
                            if (hashed > blob.BodyBytes)
                            {
                                failure = $"sent more than the {blob.Length} bytes it announced";
                                break;
                            }
                            await copy.OfferAsync(chunk).ConfigureAwait(false);
                            if (hashed == blob.BodyBytes)
                            {
                                if (hasher.Current() != digest)
                                {
                                    failure = $"sent bytes that do not match {digest}";
                                    break;
                                }
                                verified = true;
                            }
                            if (clientAlive) clientAlive = await ClientWriter.WriteAsync(client, chunk.Memory, clientAborted).ConfigureAwait(false);
                        }
                        finally
                        {
                            chunk.Release();
                        }
                    }
                }
                if (failure is null && !verified)
                {
                    if (hashed == 0 && blob.BodyBytes == 0 && hasher.Current() == digest) verified = true;
                    else failure = $"sent {hashed} of {blob.BodyBytes} bytes";
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                failure = e.Message;
            }
            finally
            {
                blob.Dispose();
            }

            var (kept, diskFailure) = await copy.FinishAsync().ConfigureAwait(false);
            bool wrongBytes = failure is not null && hashed >= blob.BodyBytes;
            if (wrongBytes)
            {
                LogWrongBytes(logger, origin.Name, digest.ToString(), failure!);
                flight.DropImport();
                flight.Finish(false);
                return BlobSendResult.SourceFailed;
            }
            hashHandedOver = kept is not null && kept.AdoptHash(hasher, hashed);
            if (diskFailure is not null)
            {
                LogStoreFailed(logger, digest.ToString(), diskFailure.Message);
                flight.DropImport();
            }
            if (failure is not null)
            {
                LogCut(logger, origin.Name, digest.ToString(), failure);
                // What reached the disk stays: the flight goes on from there, without this client.
                _ = Task.Run(() => DriveAsync(flight, repository, origins));
                return BlobSendResult.SourceFailed;
            }
            served(blob.Length);
            LogServed(logger, repository.Value, digest.ToString(), origin.Name, blob.Length);
            if (kept is null)
            {
                flight.Finish(false); // the disk failed: the next request tries again
            }
            else if (copy.Dropped)
            {
                _ = Task.Run(() => DriveAsync(flight, repository, origins)); // the client has every byte; the rest is fetched for the store
            }
            else
            {
                // Complete on disk: commit before answering, so the next request is served locally.
                CommitAndFinish(flight, repository);
            }
            return clientAlive ? BlobSendResult.Complete : BlobSendResult.ClientGone;
        }
        finally
        {
            if (!hashHandedOver) hasher.Dispose();
        }
    }

    /// <summary>
    /// Drives the flight to its end without a client: continues its import (or starts one) from the origins, and
    /// commits it. True when the blob is in the store.
    /// </summary>
    public async Task<bool> DriveAsync(BlobFlight flight, RepositoryName repository, IReadOnlyList<IBlobOrigin> origins)
    {
        try
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                foreach (var origin in origins)
                {
                    if (flight.Import is { } done && done.Size is long size && done.Written == size) return CommitAndFinish(flight, repository);
                    long from = flight.Import?.Written ?? 0;
                    var blob = await origin.OpenAsync(flight.Digest, from, CancellationToken.None).ConfigureAwait(false);
                    if (blob is null) continue;
                    using (blob)
                    {
                        if (flight.Import is { } prefix && (blob.Start == 0 && prefix.Written > 0 || prefix.Size is long known && known != blob.Length))
                            flight.DropImport(); // the origin ignored the Range, or tells another length: start afresh
                        var import = flight.Import ?? flight.BeginImport(store, blob.Length);
                        try
                        {
                            var reader = new ReadAheadReader(blob.Body, blob.Start, blob.BodyBytes, ReadAheadReader.DefaultDepth, CancellationToken.None);
                            await using (reader.ConfigureAwait(false))
                            {
                                while (await reader.NextAsync(CancellationToken.None).ConfigureAwait(false) is { } chunk)
                                {
                                    try
                                    {
                                        if (chunk.Offset + chunk.Length > blob.Length) throw new IOException($"{origin.Name} sent more than {blob.Length} bytes");
                                        await ImportWriter.WriteNewAsync(import, chunk).ConfigureAwait(false);
                                    }
                                    finally
                                    {
                                        chunk.Release();
                                    }
                                }
                            }
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
                        {
                            LogCut(logger, origin.Name, flight.Digest.ToString(), e.Message);
                            continue;
                        }
                    }
                    if (flight.Import is { } whole && whole.Written == blob.Length) return CommitAndFinish(flight, repository);
                }
            }
        }
        catch (StoreException e)
        {
            LogStoreFailed(logger, flight.Digest.ToString(), e.Message);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            LogStoreFailed(logger, flight.Digest.ToString(), e.Message);
        }
        flight.Finish(false);
        return false;
    }

    /// <summary>Verifies and publishes the import; wrong bytes (a lying origin) leave nothing behind.</summary>
    private bool CommitAndFinish(BlobFlight flight, RepositoryName repository)
    {
        try
        {
            flight.Commit(repository);
            flight.Finish(true);
            return true;
        }
        catch (StoreException e)
        {
            LogStoreFailed(logger, flight.Digest.ToString(), e.Message);
            flight.Finish(false);
            return false;
        }
    }

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Served blob {Digest} of {Repository} from {Origin} ({Bytes} bytes), stored")]
    private static partial void LogServed(ILogger logger, string repository, string digest, string origin, long bytes);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Error, Message = "{Origin} {Problem} (blob {Digest}); the response was cut and nothing stored")]
    private static partial void LogWrongBytes(ILogger logger, string origin, string digest, string problem);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Warning, Message = "Copy of blob {Digest} from {Origin} was cut: {Reason}; what arrived is kept and continued")]
    private static partial void LogCut(ILogger logger, string origin, string digest, string reason);

    [LoggerMessage(EventId = 5023, Level = LogLevel.Warning, Message = "Could not store blob {Digest} fetched from upstream: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string digest, string reason);
}
