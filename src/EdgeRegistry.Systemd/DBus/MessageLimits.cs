namespace EdgeRegistry.Systemd.DBus;

/// <summary>Size limits. The specification allows 128 MiB messages and 64 MiB arrays; the replies we read
/// (unit properties) are a few KiB, so the connection refuses anything over 1 MiB before allocating it.</summary>
internal static class MessageLimits
{
    public const int SpecMaxMessageBytes = 128 * 1024 * 1024;
    public const int MaxArrayBytes = 64 * 1024 * 1024;
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>Variants may nest inside variants without limit in the signature; the spec caps total nesting at 64.</summary>
    public const int MaxNestingDepth = 64;
}
