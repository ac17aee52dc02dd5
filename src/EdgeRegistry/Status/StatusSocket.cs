using System.Net.Sockets;
using EdgeRegistry.Storage.Durability;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeRegistry.Status;

/// <summary>
/// The unix socket the agent answers `edgereg status` on. Its directory is created 0750 when missing and the
/// socket is made 0600 once bound, so only root reads the status; nothing about it reaches the network.
/// A problem with this socket never stops the registry: CRI-O and the kubelet wait for the registry, not for
/// its status, so the agent logs the problem and serves without the status channel.
/// </summary>
internal sealed partial class StatusSocket
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A unix socket's name is at most 108 bytes (sockaddr_un.sun_path) with its terminating NUL.</summary>
    internal const int MaxPathBytes = 107;

    private readonly ILogger<StatusSocket> _logger;

    /// <summary>
    /// Held for the process's life: the exclusive lock (flock, released by the kernel when the process dies) that
    /// makes "is another agent using this socket?" a single atomic question. Without it, two agents started at
    /// the same moment both found the path free, and the second failed to start at the bind.
    /// </summary>
    private ExclusiveFileLock? _lock;

    public StatusSocket(string path, ILogger<StatusSocket> logger)
    {
        Path = path;
        _logger = logger;
    }

    public string Path { get; }

    /// <summary>Whether a listener was added for the socket (false when the path could not be prepared).</summary>
    public bool IsListening { get; private set; }

    /// <summary>Adds the status listener to Kestrel when the socket path can be prepared.</summary>
    public void AddListener(KestrelServerOptions options)
    {
        if (Prepare() is { } problem)
        {
            LogUnavailable(_logger, Path, problem);
            return;
        }

        options.ListenUnixSocket(Path, listen => listen.Protocols = HttpProtocols.Http1);
        IsListening = true;
    }

    /// <summary>Narrows the bound socket to its owner (root). Kestrel creates it with the umask's mode.</summary>
    public void Restrict()
    {
        // The analyzer needs the platform check; edgereg runs on Linux only.
        if (!IsListening || OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(Path, SocketMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotRestricted(_logger, Path, e.Message);
        }
    }

    /// <summary>
    /// Null when a unix socket can have this name, otherwise why not. Kestrel would throw for a longer one while the
    /// host is built, before anything could fall back, and serve died of an unhandled ArgumentOutOfRangeException.
    /// </summary>
    internal static string? NameProblem(string path)
    {
        int bytes = System.Text.Encoding.UTF8.GetByteCount(path);
        return bytes > MaxPathBytes
            ? $"the path is {bytes} bytes long, and a unix socket's can be at most {MaxPathBytes} (give a shorter --status-socket)"
            : null;
    }

    /// <summary>Null when the path is ready to bind, otherwise what is wrong.</summary>
    private string? Prepare()
    {
        if (NameProblem(Path) is { } tooLong)
        {
            return tooLong;
        }

        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory) && !OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory, DirectoryMode);
            }

            if (Directory.Exists(Path))
            {
                return "it is a directory";
            }

            if (!TryLock())
            {
                return "another process is using it (a second edgereg started with the same --status-socket?)";
            }

            // File.Exists is false for a socket; Path.Exists sees any kind of file.
            if (!System.IO.Path.Exists(Path))
            {
                return null;
            }

            if (IsAnswering(Path))
            {
                return "another process is listening on it (a second edgereg?)";
            }

            // Sockets have no content; a file with content at this path is not ours to remove.
            if (new FileInfo(Path).Length > 0)
            {
                return "a file with content is in the way";
            }

            File.Delete(Path);
            LogStaleRemoved(_logger, Path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Takes the socket's lock file (<c>PATH.lock</c>) exclusively; false when another process holds it.</summary>
    private bool TryLock()
    {
        // Explicit and non-blocking: a second opener fails at once. (FileShare.None no longer locks: edgereg runs
        // with System.IO.DisableFileLocking.) Other failures to open it are IOExceptions for Prepare to report.
        _lock = ExclusiveFileLock.TryTake(Path + ".lock");
        return _lock is not null;
    }

    private static bool IsAnswering(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Error, Message = "Status socket {Socket} unavailable, serving without it: {Problem}")]
    private static partial void LogUnavailable(ILogger logger, string socket, string problem);

    [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "Removed stale status socket {Socket} left by an earlier run")]
    private static partial void LogStaleRemoved(ILogger logger, string socket);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Cannot restrict status socket {Socket} to its owner: {Problem}")]
    private static partial void LogNotRestricted(ILogger logger, string socket, string problem);
}
