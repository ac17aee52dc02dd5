namespace EdgeRegistry.Import;

/// <summary>
/// The import protocol between `edgereg import` and the running agent, on the agent's root-only status socket only
/// (never on the network). Each route is one <see cref="Publishing.IImportTarget"/> call; queries carry
/// <c>digest</c>, <c>size</c>, <c>max</c>, <c>bytes</c>, <c>repository</c> and <c>tag</c>. Errors answer with the store's error in
/// <see cref="ErrorHeader"/> and the message as the body.
/// </summary>
internal static class ImportRoutes
{
    public const string Prefix = "/_edgereg/import/";
    public const string BlobLength = Prefix + "blob-length"; // GET: length as text, or 404
    public const string Blob = Prefix + "blob";              // GET ?max=: bytes, or 404; PUT ?size=: commit the body
    public const string Manifest = Prefix + "manifest";      // GET: 204 when present, else 404; PUT: import the body
    public const string Tag = Prefix + "tag";                // GET: the digest as text, or 404; PUT ?digest=: set
    public const string Space = Prefix + "space";            // GET ?bytes=: empty when the disk guard lets them in, else its refusal
    public const string Fetch = Prefix + "fetch";            // GET: 204 when a peer can supply the blob, else 404; PUT: copy it, its length as text

    public const string ErrorHeader = "Edgereg-Store-Error";
}
