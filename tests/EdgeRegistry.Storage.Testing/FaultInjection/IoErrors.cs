namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// The exceptions .NET raises on Linux for the errors we inject: an <see cref="IOException"/> whose HResult is
/// the raw errno, which is what the runtime itself produces for ENOSPC and EIO.
/// </summary>
public static class IoErrors
{
    public const int Enospc = 28;
    public const int Eio = 5;

    public static IOException NoSpace(string path) => new($"No space left on device : '{path}'", Enospc);

    public static IOException InputOutput(string path) => new($"Input/output error : '{path}'", Eio);

    /// <summary>EACCES (an SELinux denial, a relabelled directory): .NET raises it as UnauthorizedAccessException, not an IOException.</summary>
    public static UnauthorizedAccessException PermissionDenied(string path) =>
        new($"Access to the path '{path}' is denied.", new IOException("Permission denied", 13));
}
