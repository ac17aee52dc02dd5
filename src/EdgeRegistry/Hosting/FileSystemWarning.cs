using EdgeRegistry.Storage.Durability;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Hosting;

/// <summary>
/// Says at start-up which file system holds the store, and warns when acknowledged writes may not survive a power cut
/// there (tmpfs, ext4 made without a journal): the journal is where the operator looks first after a site lost content.
/// </summary>
internal static partial class FileSystemWarning
{
    public static void Log(ILogger logger, string root)
    {
        if (StoreFileSystem.Detect(root) is not { } fileSystem)
        {
            LogUnknown(logger, root);
            return;
        }
        if (fileSystem.DurabilityProblem is { } problem) LogAtRisk(logger, root, fileSystem.Describe(), problem);
        else LogFileSystem(logger, root, fileSystem.Describe());
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning,
        Message = "The store {Root} is on {FileSystem}: {Problem}; put it on a journaled file system (xfs, or ext4 with its journal)")]
    private static partial void LogAtRisk(ILogger logger, string root, string fileSystem, string problem);

    [LoggerMessage(EventId = 16, Level = LogLevel.Debug, Message = "The store {Root} is on {FileSystem}")]
    private static partial void LogFileSystem(ILogger logger, string root, string fileSystem);

    [LoggerMessage(EventId = 17, Level = LogLevel.Debug, Message = "The file system of the store {Root} could not be read from /proc/self/mountinfo")]
    private static partial void LogUnknown(ILogger logger, string root);
}
