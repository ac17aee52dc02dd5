using FsCheck;
using FsCheck.Fluent;

namespace EdgeRegistry.Storage.Tests.Support;

/// <summary>Runs an FsCheck property inside an xunit test, failing the test with FsCheck's counterexample.</summary>
internal static class Properties
{
    /// <summary>Enough cases to cover every separator and mutation many times over, fast enough for every run.</summary>
    private const int Cases = 500;

    public static void Hold<T>(Gen<T> generator, Func<T, bool> property) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), Prop.ForAll(generator.ToArbitrary(), property));
}
