using System.Text;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Processes;

/// <summary>
/// Collects a child process's stdout and stderr lines, interleaved, for failure messages. Only the last
/// <see cref="MaxChars"/> characters are kept so a chatty server cannot grow the test process.
/// </summary>
internal sealed class OutputBuffer
{
    private const int MaxChars = 64 * 1024;
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void Append(string prefix, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _text.Append(prefix).Append(line).Append('\n');
            if (_text.Length > MaxChars)
            {
                _text.Remove(0, _text.Length - MaxChars);
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }
}
