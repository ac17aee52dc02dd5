namespace EdgeRegistry.Storage.Tests.Support;

/// <summary>
/// A real ext4 file system, with or without a journal, made in a 32 MiB image file and loop-mounted on a fresh temp
/// directory (needs root, as the test machine runs): the two kinds of ext4 an operator may put a store on.
/// Unmounted and removed on dispose.
/// </summary>
internal sealed class Ext4ImageMount : IDisposable
{
    private readonly string _image;

    private Ext4ImageMount(string image, string path)
    {
        _image = image;
        Path = path;
    }

    public string Path { get; }

    public static Ext4ImageMount Make(bool journal)
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgereg-storage-mounts", Guid.NewGuid().ToString("N"));
        string image = dir + ".img";
        Directory.CreateDirectory(dir);
        using (var file = File.Create(image)) file.SetLength(32 << 20);
        Check("mkfs.ext4", ["-q", "-F", "-O", journal ? "has_journal" : "^has_journal", image], dir, image);
        Check("mount", ["-o", "loop", image, dir], dir, image);
        return new Ext4ImageMount(image, dir);
    }

    public void Dispose()
    {
        ScratchMount.Run("umount", [Path]);
        try { Directory.Delete(Path); } catch (IOException) { }
        try { File.Delete(_image); } catch (IOException) { }
    }

    private static void Check(string command, string[] arguments, string dir, string image)
    {
        var (code, output) = ScratchMount.Run(command, arguments);
        if (code == 0) return;
        try { Directory.Delete(dir); } catch (IOException) { }
        File.Delete(image);
        throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({code}): {output} — these tests need root and e2fsprogs");
    }
}
