namespace EdgeRegistry.Functional.Tests.Infrastructure.Store;

/// <summary>
/// The blob files a drill has already hashed, with the length and write time they had then, so the check after each
/// of 50 kills hashes only what is new or was rewritten instead of the whole, growing store (the final check still
/// hashes everything). A committed blob is never written again, so a changed length or time is itself suspect.
/// </summary>
internal sealed class VerifiedBlobs
{
    private readonly Dictionary<string, (long Length, DateTime Written)> _seen = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="dataPath"/> was hashed before and has not changed since.</summary>
    public bool Unchanged(string dataPath)
    {
        var file = new FileInfo(dataPath);
        return _seen.TryGetValue(dataPath, out var seen) && seen == (file.Length, file.LastWriteTimeUtc);
    }

    public void Remember(string dataPath)
    {
        var file = new FileInfo(dataPath);
        _seen[dataPath] = (file.Length, file.LastWriteTimeUtc);
    }
}
