namespace EdgeRegistry.Host.Tests.Logging;

/// <summary>
/// Tests that read what the logger writes to the process's standard output (<see cref="Console.SetOut"/>): they
/// run alone, so no other test's output lands in theirs and none of theirs is lost to another test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StandardOutputCollection
{
    public const string Name = "Standard output";
}
