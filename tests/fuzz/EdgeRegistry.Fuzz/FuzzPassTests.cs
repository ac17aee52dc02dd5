using EdgeRegistry.Fuzz.Targets;

namespace EdgeRegistry.Fuzz;

/// <summary>
/// The bounded fuzz pass of the test command: for each target the committed corpus (seeds and every past
/// finding, kept as regressions), then a few seconds of mutations. Seeded by the date, so a failure reproduces
/// the same day with `pass TARGET SECONDS SEED` and different days explore different inputs.
/// </summary>
public sealed class FuzzPassTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static TheoryData<string> TargetNames => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void Pass_CorpusAndMutations_OnlyDocumentedOutcomes(string target)
    {
        int seed = DateTime.UtcNow.Year * 1000 + DateTime.UtcNow.DayOfYear;
        var corpusRoot = Path.Combine(AppContext.BaseDirectory, "corpus");
        Assert.NotEmpty(BoundedPass.LoadCorpus(Path.Combine(corpusRoot, target)));

        var result = BoundedPass.Run(target, Budget, seed, corpusRoot, findingsRoot: Path.Combine(AppContext.BaseDirectory, "findings"));

        Assert.True(result.Findings.Count == 0, $"seed {seed}, {result.Runs} inputs:\n" + string.Join("\n", result.Findings));
        Assert.True(result.Runs > 100, $"only {result.Runs} inputs ran in {Budget}");
    }
}
