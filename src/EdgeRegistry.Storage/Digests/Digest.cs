using System.Diagnostics.CodeAnalysis;

namespace EdgeRegistry.Storage.Digests;

/// <summary>
/// A content digest (<c>sha256:&lt;64 hex&gt;</c> or <c>sha512:&lt;128 hex&gt;</c>), always lower-case hex.
/// Parsing is strict because the hex part becomes a path segment on disk: anything that is not exactly
/// the registered length of lower-case hex is refused, so a digest can never name a path outside the store.
/// </summary>
public readonly record struct Digest
{
    private Digest(DigestAlgorithm algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public DigestAlgorithm Algorithm { get; }

    /// <summary>The encoded part: lower-case hex of the registered length for <see cref="Algorithm"/>.</summary>
    public string Hex { get; }

    /// <summary>The algorithm's name as it appears in digests and on-disk paths ("sha256", "sha512").</summary>
    public string AlgorithmName => NameOf(Algorithm);

    public override string ToString() => AlgorithmName + ":" + Hex;

    public static string NameOf(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => "sha256",
        DigestAlgorithm.Sha512 => "sha512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static int HexLengthOf(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? 64 : 128;

    public static bool TryParseAlgorithm(ReadOnlySpan<char> name, out DigestAlgorithm algorithm)
    {
        if (name.SequenceEqual("sha256")) { algorithm = DigestAlgorithm.Sha256; return true; }
        if (name.SequenceEqual("sha512")) { algorithm = DigestAlgorithm.Sha512; return true; }
        algorithm = default;
        return false;
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        digest = default;
        if (text is null) return false;
        int colon = text.IndexOf(':');
        if (colon <= 0 || !TryParseAlgorithm(text.AsSpan(0, colon), out var algorithm)) return false;
        var hex = text.AsSpan(colon + 1);
        if (hex.Length != HexLengthOf(algorithm) || !IsLowerHex(hex)) return false;
        digest = new Digest(algorithm, text.Substring(colon + 1));
        return true;
    }

    /// <summary>Builds a digest from raw hash bytes.</summary>
    public static Digest FromHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        if (hash.Length * 2 != HexLengthOf(algorithm))
            throw new ArgumentException("hash length does not match the algorithm", nameof(hash));
        return new Digest(algorithm, Convert.ToHexStringLower(hash));
    }

    /// <summary>Builds a digest from an algorithm and an already-validated hex string (e.g. a directory name).</summary>
    public static bool TryCreate(DigestAlgorithm algorithm, string hex, out Digest digest)
    {
        digest = default;
        if (hex.Length != HexLengthOf(algorithm) || !IsLowerHex(hex)) return false;
        digest = new Digest(algorithm, hex);
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> hex)
    {
        foreach (char c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        }
        return true;
    }
}
