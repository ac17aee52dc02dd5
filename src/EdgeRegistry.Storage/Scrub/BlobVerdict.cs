namespace EdgeRegistry.Storage.Scrub;

/// <summary>
/// What re-hashing one blob found: the bytes it read, and the damage if any. <see cref="Gone"/>: the blob went away
/// while it was being checked (collected, or quarantined by a read): nothing to report.
/// </summary>
public readonly record struct BlobVerdict(long BytesRead, DamageKind? Damage, string? Cause, bool Gone = false)
{
    public bool IsSound => Damage is null && !Gone;
}
