using System.Buffers.Binary;

namespace EdgeRegistry.Storage.Digests;

/// <summary>
/// A sha256 digest as its 32 bytes (a <see cref="Digest"/> holds 64 hex characters in a string: ~150 bytes on the
/// heap), for the structures that hold one entry per object of the store: replication's inventory, the garbage
/// collector's live set. Big-endian words, so comparing them in order compares the hex text in order.
/// </summary>
public readonly struct PackedSha256 : IEquatable<PackedSha256>, IComparable<PackedSha256>
{
    private readonly ulong _a, _b, _c, _d;

    private PackedSha256(ulong a, ulong b, ulong c, ulong d) => (_a, _b, _c, _d) = (a, b, c, d);

    public static PackedSha256 From(Digest digest)
    {
        Span<byte> bytes = stackalloc byte[32];
        Convert.FromHexString(digest.Hex, bytes, out _, out _);
        return new PackedSha256(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    public Digest ToDigest()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _a);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], _d);
        return Digest.FromHash(DigestAlgorithm.Sha256, bytes);
    }

    public bool Equals(PackedSha256 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is PackedSha256 other && Equals(other);

    // The bytes of a digest are already uniformly distributed.
    public override int GetHashCode() => (int)(_a ^ (_a >> 32));

    public int CompareTo(PackedSha256 other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }
}
