using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Import.Tests.Fixtures;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Tests.Publishing;

/// <summary>Runs imports into a real store and checks what a client would then see.</summary>
internal static class ImportAssertions
{
    public static Task<ImportResult> ImportAsync(IRegistryStore store, string path, ImportOptions? options = null) =>
        new ImportSession(new StoreImportTarget(store), options ?? new ImportOptions())
            .RunAsync(Media.MediaLocator.Locate([path]), CancellationToken.None);

    /// <summary>The image is served complete by tag and by digest: manifest bytes, and every blob linked into its repository.</summary>
    public static void Served(IRegistryStore store, TestImage image, string? repository = null, string? tag = null)
    {
        var name = RepositoryName.Parse(repository ?? image.Repository);
        var byTag = store.GetManifest(name, tag ?? image.Tag);
        Assert.NotNull(byTag);
        Assert.Equal(image.Digest, byTag.Digest);
        Assert.Equal(image.Manifest, byTag.Content.ToArray());
        Assert.NotNull(store.GetManifest(name, image.Digest.ToString()));
        foreach (var blob in image.Blobs)
        {
            Assert.NotNull(store.StatBlob(name, TestContent.Sha256(blob)));
        }
    }

    /// <summary>Every manifest the store holds has every blob it references: nothing dangles.</summary>
    public static void NothingDangles(IRegistryStore store)
    {
        foreach (var (repository, digest) in store.EnumerateManifests())
        {
            var references = store.GetReferences(repository, digest);
            Assert.NotNull(references);
            foreach (var blob in references.Blobs) Assert.NotNull(store.BlobLength(blob.Digest));
        }
    }
}
