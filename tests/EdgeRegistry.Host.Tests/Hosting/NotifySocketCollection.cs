namespace EdgeRegistry.Host.Tests.Hosting;

/// <summary>
/// Tests that set NOTIFY_SOCKET for the process. The notifier reads it when a host starts, so these run alone:
/// a host another test started meanwhile would otherwise notify their socket.
/// </summary>
[CollectionDefinition(nameof(NotifySocketCollection), DisableParallelization = true)]
public sealed class NotifySocketCollection;
