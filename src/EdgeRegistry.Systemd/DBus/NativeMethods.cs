using System.Runtime.InteropServices;

namespace EdgeRegistry.Systemd.DBus;

internal static partial class NativeMethods
{
    /// <summary>The effective uid, which the bus compares with the socket's peer credentials for EXTERNAL auth.</summary>
    [DllImport("libc", EntryPoint = "geteuid", ExactSpelling = true)]
    internal static extern uint GetEffectiveUserId();
}
