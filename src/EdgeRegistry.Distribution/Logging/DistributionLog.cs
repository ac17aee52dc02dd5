using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Logging;

/// <summary>
/// Source-generated log messages of the API (event ids 2000-2099). Per-request detail is Debug so a busy node
/// pulling layers in ranges does not write a line per request; changes to content are Information.
/// </summary>
internal static partial class DistributionLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug,
        Message = "{Method} {Repository} {Endpoint} {Reference} -> {Status}, {Bytes} bytes in {DurationMs:F1} ms")]
    public static partial void RequestCompleted(ILogger logger, string method, string repository, string endpoint,
        string reference, int status, long bytes, double durationMs);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Manifest {Digest} stored in {Repository} as {Reference}")]
    public static partial void ManifestStored(ILogger logger, string repository, string reference, string digest);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Manifest {Reference} deleted from {Repository}")]
    public static partial void ManifestDeleted(ILogger logger, string repository, string reference);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Blob {Digest} ({Bytes} bytes) committed to {Repository}")]
    public static partial void BlobCommitted(ILogger logger, string repository, string digest, long bytes);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Blob {Digest} unlinked from {Repository}")]
    public static partial void BlobDeleted(ILogger logger, string repository, string digest);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Store refused {Method} {Repository}: {Error} {Message}")]
    public static partial void StoreRefused(ILogger logger, string method, string repository, string error, string message);

    /// <summary>
    /// A full disk is an operating condition with one cause and one remedy, not a bug: a warning naming it, without
    /// a stack trace that would bury it (the watchdog's probe also reports it once as "degraded").
    /// </summary>
    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Storage full on {Method} {Repository}: {Message}; free space on the store's file system")]
    public static partial void StoreFull(ILogger logger, string method, string repository, string message);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Storage failure on {Method} {Repository}: {Error} {Message}")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string method, string repository, string error, string message);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "Unexpected failure on {Method} {Path}")]
    public static partial void UnexpectedFailure(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Client went away during {Method} {Path}")]
    public static partial void ClientAborted(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Write refused for user '{User}' from {Remote}: bad credentials")]
    public static partial void WriteDenied(ILogger logger, string user, string remote);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Loaded {Count} users from credentials file {Path}")]
    public static partial void CredentialsLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "Credentials file {Path} line {Line} ignored: {Problem}")]
    public static partial void CredentialsLineInvalid(ILogger logger, string path, int line, string problem);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning, Message = "Credentials file {Path} does not exist: no user can write")]
    public static partial void CredentialsFileMissing(ILogger logger, string path);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Error, Message = "Credentials file {Path} cannot be read: {Reason}")]
    public static partial void CredentialsFileUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "Manifest {Digest} in {Repository} is not complete here or on any reachable peer; answering 404")]
    public static partial void ManifestIncomplete(ILogger logger, string repository, string digest);
}
