using System.Globalization;

namespace EdgeRegistry.Storage.Scrub;

/// <summary>Which walk of a pass the cursor is in: every blob's bytes first, then every repository's links.</summary>
public enum ScrubPhase
{
    Blobs,
    Links,
}

/// <summary>
/// Where the scrub is, kept durably in <c>.edgereg/scrub</c> so a restart resumes the pass instead of starting it
/// over (a pass over a big store at a modest rate takes hours). One line:
/// <c>1 &lt;pass started, unix ms or -&gt; &lt;phase&gt; &lt;last object done or -&gt; &lt;bytes hashed this pass&gt; &lt;last full pass started&gt; &lt;… ended&gt;</c>
/// (times in unix ms, <c>-</c> for none).
/// Objects are walked in digest order (repositories in name order), so "the last one done" is a complete position.
/// A cursor that cannot be read is a fresh start, never a failure: at worst a pass is repeated.
/// </summary>
public sealed record ScrubCursor(DateTimeOffset? PassStarted, ScrubPhase Phase, string? Position, long PassBytes,
    DateTimeOffset? LastPassStarted, DateTimeOffset? LastPassEnded)
{
    public static readonly ScrubCursor Fresh = new(null, ScrubPhase.Blobs, null, 0, null, null);

    /// <summary>A pass is under way (possibly interrupted by a restart).</summary>
    public bool InPass => PassStarted is not null;

    public ScrubCursor StartPass(DateTimeOffset now) => new(now, ScrubPhase.Blobs, null, 0, LastPassStarted, LastPassEnded);

    public ScrubCursor EndPass(DateTimeOffset now) => new(null, ScrubPhase.Blobs, null, 0, PassStarted, now);

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"1 {Millis(PassStarted)} {(Phase == ScrubPhase.Blobs ? "blobs" : "links")} {Position ?? "-"} {PassBytes} {Millis(LastPassStarted)} {Millis(LastPassEnded)}\n");

    public static ScrubCursor Parse(string text)
    {
        string[] parts = text.Trim().Split(' ');
        if (parts.Length != 7 || parts[0] != "1") return Fresh;
        if (!TryTime(parts[1], out var started) || !TryTime(parts[5], out var lastStarted) || !TryTime(parts[6], out var ended)) return Fresh;
        ScrubPhase? phase = parts[2] switch { "blobs" => ScrubPhase.Blobs, "links" => ScrubPhase.Links, _ => null };
        if (phase is null || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out long bytes)) return Fresh;
        // Positions are digests or repository names: never blank, never holding a space.
        string? position = parts[3] == "-" ? null : parts[3];
        return new ScrubCursor(started, phase.Value, position, bytes, lastStarted, ended);
    }

    private static string Millis(DateTimeOffset? time) =>
        time is { } t ? t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "-";

    private static bool TryTime(string text, out DateTimeOffset? time)
    {
        time = null;
        if (text == "-") return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms > 253402300799999) return false;
        time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }
}
