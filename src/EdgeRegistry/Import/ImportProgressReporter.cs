using System.Globalization;
using EdgeRegistry.Import.Publishing;

namespace EdgeRegistry.Import;

/// <summary>
/// Shows a running import: on a terminal a progress line redrawn twice a second (bytes, rate, time left, entry);
/// otherwise (journald, a file) one line every 30 seconds, so a long import still says it is alive.
/// </summary>
internal sealed class ImportProgressReporter : IAsyncDisposable
{
    private readonly ImportProgress _progress;
    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _started;

    public ImportProgressReporter(ImportProgress progress, TextWriter writer, bool terminal, TimeProvider time)
    {
        _progress = progress;
        _writer = writer;
        _terminal = terminal;
        _time = time;
        _started = time.GetTimestamp();
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_terminal ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(30), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                string line = Line();
                if (_terminal) await _writer.WriteAsync("\r\x1b[K" + line).ConfigureAwait(false);
                else await _writer.WriteLineAsync(line).ConfigureAwait(false);
                await _writer.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>E.g. <c>import: 1.2 GiB of 3.4 GiB (35%), 120.0 MiB/s, 18s left, reading docker/registry/v2/blobs/…</c>.</summary>
    private string Line()
    {
        long done = _progress.DoneBytes;
        long total = Math.Max(1, _progress.TotalBytes);
        double seconds = Math.Max(0.001, _time.GetElapsedTime(_started).TotalSeconds);
        double rate = done / seconds;
        string left = rate > 0 && done < total ? $", {Duration((total - done) / rate)} left" : "";
        string entry = _progress.CurrentEntry is { } name ? $", {_progress.Phase} {Shorten(name)}" : $", {_progress.Phase}";
        return string.Create(CultureInfo.InvariantCulture,
            $"import: {Bytes(done)} of {Bytes(total)} ({100.0 * done / total:0}%), {Bytes((long)rate)}/s{left}{entry}");
    }

    private static string Shorten(string name) => name.Length <= 60 ? name : "…" + name[^59..];

    private static string Duration(double seconds) => seconds switch
    {
        < 60 => $"{seconds:0}s",
        < 3600 => $"{(int)(seconds / 60)}m{(int)(seconds % 60):00}s",
        _ => $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):00}m",
    };

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB"),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_terminal) await _writer.WriteAsync("\r\x1b[K").ConfigureAwait(false);
        _stop.Dispose();
    }
}
