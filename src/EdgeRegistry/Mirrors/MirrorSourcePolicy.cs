namespace EdgeRegistry.Mirrors;

/// <summary>The <c>mirrorSourcePolicy</c> values of ImageDigestMirrorSet and ImageTagMirrorSet.</summary>
internal enum MirrorSourcePolicy
{
    /// <summary>Try the mirrors, then the source (the API's default).</summary>
    AllowContactingSource,

    /// <summary>Only the mirrors; CRI-O never contacts the source (registries.conf <c>blocked = true</c>).</summary>
    NeverContactSource,
}
