namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it the input and returns normally for every documented
/// outcome (parsed, or the parser's typed rejection); any other exception, or a broken invariant, is a finding.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The target's name on the command line and its corpus folder under <c>corpus/</c>.</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}
