namespace EdgeRegistry.Functional.Tests.Infrastructure.Peers;

/// <summary>How a <see cref="HostilePeer"/> answers a blob GET (summary, feed, HEAD and manifests stay honest).</summary>
public enum PeerHostility
{
    /// <summary>The right bytes, with the right Content-Length (a Range gets its 206).</summary>
    Honest,

    /// <summary>Reads the request and never answers: no status line, the connection held open.</summary>
    NoAnswer,

    /// <summary>Headers and half the body, then nothing more, the connection held open: a body that never ends.</summary>
    StallsMidBody,

    /// <summary>Announces the whole length, sends half, closes: a body shorter than announced.</summary>
    ShortBody,

    /// <summary>Announces and sends the blob plus 4 KiB more: a body longer than the blob.</summary>
    LongerThanBlob,

    /// <summary>The right length, bytes flipped in the middle: only the digest can tell.</summary>
    WrongBytes,
}
