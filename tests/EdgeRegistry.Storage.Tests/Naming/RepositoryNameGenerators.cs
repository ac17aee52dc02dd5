using FsCheck;
using FsCheck.Fluent;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Tests.Naming;

/// <summary>
/// Generators for the distribution-spec name grammar
/// <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>, and for mutations that
/// every valid name becomes invalid under, wherever they are applied.
/// </summary>
internal static class RepositoryNameGenerators
{
    private static readonly char[] Alnum = "abcdefghijklmnopqrstuvwxyz0123456789".ToCharArray();

    private static Gen<string> AlnumRun { get; } =
        Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Gen.Elements(Alnum), n)).Select(c => new string(c));

    private static Gen<string> Separator { get; } = Gen.Elements(".", "_", "__", "-", "--", "---");

    private static Gen<string> Component { get; } =
        from head in AlnumRun
        from tail in Gen.ListOf(Gen.Zip(Separator, AlnumRun, (s, a) => s + a)).Resize(3)
        select head + string.Concat(tail);

    public static Gen<string> Valid { get; } =
        Gen.NonEmptyListOf(Component).Resize(4).Select(c => string.Join('/', c)).Where(n => n.Length <= RepositoryName.MaxLength);

    /// <summary>Substrings that make any name invalid wherever they are inserted.</summary>
    private static Gen<string> PoisonAnywhere { get; } =
        Gen.Elements("..", "//", "A", "Z", "%", "%2f", "\0", " ", "\\", ":", "___", ".-", "-.", "_.", "é");

    /// <summary>Characters that make any name invalid at its start or end.</summary>
    private static Gen<string> PoisonAtEdge { get; } = Gen.Elements("/", ".", "_", "-", "..", "../");

    public static Gen<string> Invalid { get; } = Gen.OneOf(
        from name in Valid
        from poison in PoisonAnywhere
        from at in Gen.Choose(0, name.Length)
        select name.Insert(at, poison),
        from name in Valid
        from poison in PoisonAtEdge
        from atStart in Gen.Elements(true, false)
        select atStart ? poison + name : name + poison);
}
