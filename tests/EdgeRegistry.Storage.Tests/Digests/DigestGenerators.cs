using FsCheck;
using FsCheck.Fluent;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Tests.Digests;

/// <summary>Generators of well-formed digest strings and of corruptions that every one of them fails under.</summary>
internal static class DigestGenerators
{
    private static readonly char[] LowerHex = "0123456789abcdef".ToCharArray();

    public static Gen<DigestAlgorithm> Algorithm { get; } = Gen.Elements(DigestAlgorithm.Sha256, DigestAlgorithm.Sha512);

    public static Gen<string> Valid { get; } =
        from algorithm in Algorithm
        from hex in Gen.ArrayOf(Gen.Elements(LowerHex), Digest.HexLengthOf(algorithm))
        select Digest.NameOf(algorithm) + ":" + new string(hex);

    private static Gen<string> BadHexChar { get; } =
        Gen.Elements("A", "F", "g", "z", "/", ".", "%", "\0", " ", ":", "é");

    public static Gen<string> Invalid { get; } = Gen.OneOf(
        // one hex character replaced by something outside [0-9a-f]
        from digest in Valid
        from bad in BadHexChar
        from at in Gen.Choose(digest.IndexOf(':') + 1, digest.Length - 1)
        select digest.Remove(at, 1).Insert(at, bad),
        // one character too many or too few
        from digest in Valid
        from grow in Gen.Elements(true, false)
        select grow ? digest + "0" : digest[..^1],
        // an algorithm that is not registered, or spelled differently
        from digest in Valid
        from algorithm in Gen.Elements("", "SHA256", "sha384", "md5", "sha256+b64", "sha 256", "../sha256")
        select algorithm + digest[digest.IndexOf(':')..],
        // the separator lost or doubled
        from digest in Valid
        from separator in Gen.Elements("", "::", "/", "=")
        select digest.Replace(":", separator, StringComparison.Ordinal),
        // traversal and padding around a good digest
        from digest in Valid
        from wrap in Gen.Elements("../", "/", " ", "\0")
        from atStart in Gen.Elements(true, false)
        select atStart ? wrap + digest : digest + wrap);

    public static Gen<byte[]> Content { get; } = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));
}
