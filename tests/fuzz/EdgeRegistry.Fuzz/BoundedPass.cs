using System.Diagnostics;
using EdgeRegistry.Fuzz.Targets;

namespace EdgeRegistry.Fuzz;

/// <summary>
/// The in-process pass: every committed corpus entry (seeds and past findings, the regression set), then
/// mutations of them until the time budget is spent. Each input must finish within <see cref="PerInputLimit"/>.
/// Findings are written to <c>findings/&lt;target&gt;/</c> so they can be added to the corpus as regressions.
/// </summary>
internal static class BoundedPass
{
    /// <summary>Far above any honest parse of a 64 KiB input; a parser this slow on one input is a finding.</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    public sealed record Result(string Target, int Runs, IReadOnlyList<string> Findings);

    public static Result Run(string targetName, TimeSpan budget, int seed, string corpusRoot, string? findingsRoot)
    {
        var target = FuzzTargets.Create(targetName);
        try
        {
            var corpus = LoadCorpus(Path.Combine(corpusRoot, targetName));
            var findings = new List<string>();
            int runs = 0;
            foreach (var entry in corpus) Execute(target, entry, findings, findingsRoot, ref runs);
            var mutator = new Mutator(seed);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < budget && findings.Count < 10)
            {
                var input = mutator.Mutate(corpus.Count == 0 ? [] : corpus[runs % corpus.Count], corpus);
                Execute(target, input, findings, findingsRoot, ref runs);
            }
            return new Result(targetName, runs, findings);
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    public static List<byte[]> LoadCorpus(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)]
            : [];

    private static void Execute(IFuzzTarget target, byte[] input, List<string> findings, string? findingsRoot, ref int runs)
    {
        runs++;
        var clock = Stopwatch.StartNew();
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            findings.Add(Record(target.Name, input, $"{e.GetType().Name}: {e.Message}", findingsRoot));
            return;
        }
        if (clock.Elapsed > PerInputLimit)
            findings.Add(Record(target.Name, input, $"took {clock.Elapsed.TotalSeconds:F1} s", findingsRoot));
    }

    private static string Record(string target, byte[] input, string what, string? findingsRoot)
    {
        string name = "finding-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..16];
        if (findingsRoot is not null)
        {
            string directory = Path.Combine(findingsRoot, target);
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, name), input);
        }
        return $"{target}/{name}: {what}";
    }
}
