namespace EdgeRegistry.Fuzz.Targets;

/// <summary>A broken invariant: the parser accepted something it must not, or answered inconsistently.</summary>
internal sealed class FuzzFinding(string message) : Exception(message)
{
    public static void Check(bool condition, string message)
    {
        if (!condition) throw new FuzzFinding(message);
    }
}
