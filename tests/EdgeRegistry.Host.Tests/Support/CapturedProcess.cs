using EdgeRegistry.Cli;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>A <see cref="ProcessContext"/> with in-memory streams and environment, for running commands in-process.</summary>
internal sealed class CapturedProcess
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public CapturedProcess(string standardInput = "", IReadOnlyDictionary<string, string>? environment = null,
        Func<string, string?>? promptHidden = null)
    {
        var variables = environment ?? new Dictionary<string, string>();
        Context = new ProcessContext(new StringReader(standardInput), _output, _error,
            name => variables.GetValueOrDefault(name), promptHidden);
    }

    public ProcessContext Context { get; }

    public string Output => _output.ToString();

    public string Error => _error.ToString();

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Task<int> RunAsync(params string[] args) => EdgeregCli.InvokeAsync(args, Context);

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken) => EdgeregCli.InvokeAsync(args, Context, cancellationToken);
}
