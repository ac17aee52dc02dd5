namespace EdgeRegistry.Replication.Peers;

/// <summary>Headers of the peer-only API.</summary>
internal static class PeerHeaders
{
    /// <summary>"&lt;version&gt; &lt;node&gt;" of the tag a manifest was fetched by.</summary>
    public const string TagVersion = "Edgereg-Tag-Version";

    /// <summary>"&lt;version&gt; &lt;node&gt;" of the manifest revision.</summary>
    public const string ManifestVersion = "Edgereg-Manifest-Version";
}
