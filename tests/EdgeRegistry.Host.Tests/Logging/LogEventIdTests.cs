using System.Reflection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Host.Tests.Logging;

/// <summary>
/// Every <c>[LoggerMessage]</c> of the app has its own event id, so a journal query by <c>eventId=</c> finds one kind
/// of line. The ranges: the executable 1–199 (serve 1–8, TLS 10–12, notify 20s, maintenance 30s, disk guard 40s,
/// status socket 50s, gc 60s, scrub 70s, import 80s, access log 100s), Storage 1000s, Distribution 2000s,
/// Replication 3000s, Transport 4000s, Upstream 5000s.
/// </summary>
public sealed partial class LogEventIdTests
{
    [Fact]
    public void EventIds_EveryLoggerMessageOfTheApp_UsedOnce()
    {
        var messages = LoggerMessages(AppAssemblies()).ToList();

        // Guards the reflection itself: an empty or partial walk would make the check below pass on nothing.
        Assert.True(messages.Count > 100, $"only {messages.Count} [LoggerMessage] methods found");
        Assert.Superset(new HashSet<string> { "edgereg", "EdgeRegistry.Storage", "EdgeRegistry.Distribution", "EdgeRegistry.Replication",
            "EdgeRegistry.Transport", "EdgeRegistry.Upstream" }, messages.Select(static m => m.Assembly).ToHashSet());
        Assert.Empty(Duplicates(messages));
    }

    [Fact]
    public void Duplicates_TwoMessagesSharingAnId_NamesBoth()
    {
        var duplicates = Duplicates(LoggerMessages([typeof(TwoMessagesOneId).Assembly]).Where(static m => m.Method.Contains(nameof(TwoMessagesOneId), StringComparison.Ordinal)));

        var duplicate = Assert.Single(duplicates);
        Assert.Contains("TwoMessagesOneId.First", duplicate, StringComparison.Ordinal);
        Assert.Contains("TwoMessagesOneId+Other.Second", duplicate, StringComparison.Ordinal);
    }

    private sealed record LogMessage(int EventId, string Assembly, string Method);

    /// <summary>One line per event id used more than once, naming every method that uses it.</summary>
    private static List<string> Duplicates(IEnumerable<LogMessage> messages) =>
        messages.GroupBy(static m => m.EventId)
            .Where(static g => g.Count() > 1)
            .Select(static g => $"event id {g.Key}: {string.Join(", ", g.Select(static m => m.Method))}")
            .ToList();

    /// <summary>The executable and every EdgeRegistry library it references, directly or not (no test assembly).</summary>
    private static List<Assembly> AppAssemblies()
    {
        var found = new List<Assembly>();
        var pending = new Queue<Assembly>([typeof(EdgeRegistry.Cli.EdgeregCli).Assembly]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!)) continue;
            found.Add(assembly);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name!.StartsWith("EdgeRegistry.", StringComparison.Ordinal)) pending.Enqueue(Assembly.Load(reference));
            }
        }

        return found;
    }

    /// <summary>Methods with an explicit event id (an unset one is -1, and the generator then derives none to clash).</summary>
    private static IEnumerable<LogMessage> LoggerMessages(IEnumerable<Assembly> assemblies) =>
        from assembly in assemblies
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is { EventId: >= 0 }
        select new LogMessage(attribute.EventId, assembly.GetName().Name!, $"{type.FullName}.{method.Name}");

    // Two classes: the generator itself warns (SYSLIB1006) only about a clash within one class, which is why this test exists.
    private static partial class TwoMessagesOneId
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "first")]
        public static partial void First(ILogger logger);

        public static partial class Other
        {
            [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "second")]
            public static partial void Second(ILogger logger);
        }
    }
}
