namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// Why the guard refused a write, with the numbers. <see cref="Message"/> names the limit and its setting and no
/// path, so it can go to a client as it is.
/// </summary>
public sealed record GuardRefusal(string Limit, long LimitBytes, long RequestedBytes, long FreeBytes, long StoreBytes, string Message)
{
    /// <summary>The guard's refusal as the store reports it: a 507 for a push, a wait for a background copy.</summary>
    public StoreException ToException() => new(StoreError.SpaceLimit, Message)
    {
        Detail = FormattableString.Invariant(
            $"limit={Limit} limitBytes={LimitBytes} requestedBytes={RequestedBytes} freeBytes={FreeBytes} storeBytes={StoreBytes}"),
    };
}
