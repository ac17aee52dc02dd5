namespace EdgeRegistry.Storage.Scrub;

/// <summary>The pass under way, as status reads it while the scrub writes it (single writer, torn reads harmless).</summary>
public sealed class ScrubProgress
{
    private long _passBytes;
    private long _passObjects;

    public long PassBytes => Volatile.Read(ref _passBytes);

    public long PassObjects => Volatile.Read(ref _passObjects);

    public ScrubPhase Phase { get; internal set; }

    public string? Position { get; internal set; }

    internal void Resume(ScrubCursor cursor)
    {
        Volatile.Write(ref _passBytes, cursor.PassBytes);
        Volatile.Write(ref _passObjects, 0);
        Phase = cursor.Phase;
        Position = cursor.Position;
    }

    /// <summary>No pass under way: nothing to show (and nothing to count twice).</summary>
    public void Reset()
    {
        Volatile.Write(ref _passBytes, 0);
        Volatile.Write(ref _passObjects, 0);
        Position = null;
    }

    internal void Checked(long bytes)
    {
        Interlocked.Add(ref _passBytes, bytes);
        Interlocked.Increment(ref _passObjects);
    }
}
