namespace EdgeRegistry.Fuzz.Targets;

/// <summary>Parsers that read a file by path: the input goes to one scratch file, rewritten for every run.</summary>
internal abstract class FileTarget : IFuzzTarget, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgereg-fuzz-").FullName;

    protected string FilePath => Path.Combine(_directory, FileName);

    public abstract string Name { get; }

    protected abstract string FileName { get; }

    public void Run(ReadOnlySpan<byte> input)
    {
        using (var file = File.Create(FilePath)) file.Write(input);
        Parse(FilePath);
    }

    protected abstract void Parse(string path);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
