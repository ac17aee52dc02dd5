using System.Security.Cryptography;

namespace EdgeRegistry.Storage.Layout;

/// <summary>
/// Unique names for the store's temporary files and directories, without a syscall per name. A Guid per name
/// (what the store used before) draws its randomness from the kernel each time — a getrandom (or a read of
/// /dev/urandom) for every small object a rehydrating node writes, and several per object (the file, each
/// directory level it needs). Here the randomness is drawn once per process: a name is that random prefix
/// followed by a counter.
/// <para>
/// Unique within the process by the counter (Interlocked: writers on every thread share it); across processes
/// sharing the store (the agent, an offline `edgereg gc` or import) and across restarts by the prefix — 96 random
/// bits, so two processes drawing the same one is as unlikely as two Guids colliding. Start-up clears the temp
/// directory anyway, but a second process may be writing into it while the agent starts, so the prefix stays random
/// rather than, say, the pid (which a restart reuses).
/// </para>
/// </summary>
internal static class TempNames
{
    /// <summary>12 random bytes as 24 lowercase hex digits: drawn once, at the first name.</summary>
    private static readonly string Prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static long _counter;

    /// <summary>A name no other call, in this or any other process, returns: "&lt;24 hex&gt;-&lt;16 hex&gt;".</summary>
    /// <remarks>Fixed width: names sort in creation order within a process (handy when reading a crashed node's tmp).</remarks>
    public static string Next() => $"{Prefix}-{Interlocked.Increment(ref _counter):x16}";
}
