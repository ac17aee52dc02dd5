namespace EdgeRegistry.Storage.Durability;

/// <summary>Turns file-system exceptions into store errors, telling a full disk apart from other I/O failures.</summary>
internal static class IoFailures
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int Eio = 5;

    public static bool IsDiskFull(IOException exception) =>
        (exception.HResult & 0xFFFF) is Enospc or Edquot
        || exception.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
        || exception.Message.Contains("quota", StringComparison.OrdinalIgnoreCase);

    public static StoreException Translate(IOException exception, string operation)
    {
        if (IsDiskFull(exception))
        {
            return new StoreException(StoreError.StorageFull,
                $"the registry's disk is full: {operation} was not stored (existing content is intact)", exception);
        }
        string detail = (exception.HResult & 0xFFFF) == Eio ? "an I/O error" : exception.Message;
        return new StoreException(StoreError.IoFailure, $"{operation} failed: {detail} (existing content is intact)", exception);
    }

    /// <summary>
    /// A permission the store needs was refused (a file or directory made by root or another user in the store, an
    /// SELinux label that does not let the service write): nothing was changed, and the message says which operation.
    /// </summary>
    public static StoreException Translate(UnauthorizedAccessException exception, string operation) =>
        new(StoreError.IoFailure, $"{operation} failed: permission denied ({exception.Message}) (existing content is intact)", exception);

    /// <summary>Runs a store write; any I/O or permission failure surfaces as a <see cref="StoreException"/>.</summary>
    public static T Guard<T>(string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (IOException e)
        {
            throw Translate(e, operation);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Translate(e, operation);
        }
    }

    public static async Task<T> GuardAsync<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Translate(e, operation);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Translate(e, operation);
        }
    }
}
