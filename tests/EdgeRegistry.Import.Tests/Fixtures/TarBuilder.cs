using System.Formats.Tar;

namespace EdgeRegistry.Import.Tests.Fixtures;

/// <summary>Writes a tar entry by entry, in the order a test gives (GNU format, as GNU tar and Go's archive/tar write long names).</summary>
internal sealed class TarBuilder : IDisposable
{
    private readonly FileStream _file;
    private readonly TarWriter _writer;

    public TarBuilder(string path)
    {
        Path = path;
        _file = System.IO.File.Create(path);
        _writer = new TarWriter(_file, TarEntryFormat.Gnu, leaveOpen: true);
    }

    public string Path { get; }

    public TarBuilder File(string name, byte[] content)
    {
        var entry = new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };
        _writer.WriteEntry(entry);
        return this;
    }

    public TarBuilder Text(string name, string content) => File(name, System.Text.Encoding.UTF8.GetBytes(content));

    public TarBuilder Symlink(string name, string target)
    {
        _writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });
        return this;
    }

    public TarBuilder HardLink(string name, string target)
    {
        _writer.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, name) { LinkName = target });
        return this;
    }

    public TarBuilder Entry(TarEntryType type, string name)
    {
        _writer.WriteEntry(new GnuTarEntry(type, name));
        return this;
    }

    /// <summary>Adds every file of <paramref name="directory"/> under <paramref name="prefix"/>, in ordinal order (as `tar -C dir .` sorted).</summary>
    public TarBuilder Tree(string directory, string prefix)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            File(prefix + System.IO.Path.GetRelativePath(directory, file), System.IO.File.ReadAllBytes(file));
        }

        return this;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }
}
