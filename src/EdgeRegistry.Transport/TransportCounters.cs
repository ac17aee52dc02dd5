namespace EdgeRegistry.Transport;

/// <summary>What the transport did, across all its connections (read by tests and status).</summary>
public sealed class TransportCounters
{
    private long _fileBytesSent;
    private long _fileSendsFailed;
    private long _fileSendsRefused;

    /// <summary>Bytes the kernel sent straight from files (sendfile).</summary>
    public long FileBytesSent => Interlocked.Read(ref _fileBytesSent);

    /// <summary>File sends cut short: the client left, or the file ended before its range did.</summary>
    public long FileSendsFailed => Interlocked.Read(ref _fileSendsFailed);

    /// <summary>File sends sendfile refused before any byte (a file system without it); written by copy instead.</summary>
    public long FileSendsRefused => Interlocked.Read(ref _fileSendsRefused);

    internal long FileSendRefused() => Interlocked.Increment(ref _fileSendsRefused);

    internal void FileSent(long bytes) => Interlocked.Add(ref _fileBytesSent, bytes);

    internal void FileSendFailed() => Interlocked.Increment(ref _fileSendsFailed);
}
