namespace EdgeRegistry.Import;

/// <summary>
/// The import protocol between `edgereg import` and the running agent, on the agent's root-only status socket only
/// (never on the network). Each route is one <see cref="Publishing.IImportTarget"/> call; queries carry
/// <c>digest</c>, <c>size</c>, <c>max</c>, <c>repository</c> and <c>tag</c>. Errors answer with the store's error in
/// <see cref="ErrorHeader"/> and the message as the body.
/// </summary>
internal static class ImportRoutes
{
    public const string Prefix = "/_edgereg/import/";
    public const string BlobLength = Prefix + "blob-length"; // GET: length as text, or 404
    public const string Blob = Prefix + "blob";              // GET ?max=: bytes, or 404; PUT ?size=: commit the body
    public const string Manifest = Prefix + "manifest";      // GET: 204 when present, else 404; PUT: import the body
    public const string Tag = Prefix + "tag";                // GET: the digest as text, or 404; PUT ?digest=: set
    public const string Free = Prefix + "free";              // GET: free bytes of the store's file system

    public const string ErrorHeader = "Edgereg-Store-Error";
}
