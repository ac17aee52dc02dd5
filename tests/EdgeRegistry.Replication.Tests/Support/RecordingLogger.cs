using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Tests.Support;

/// <summary>Keeps what a component logs, with its level and event id, for tests that assert on the journal's lines.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, int EventId)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception), eventId.Id));
}
