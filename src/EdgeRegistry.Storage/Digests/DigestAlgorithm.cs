namespace EdgeRegistry.Storage.Digests;

/// <summary>The digest algorithms the OCI distribution spec registers and this registry accepts.</summary>
public enum DigestAlgorithm
{
    Sha256,
    Sha512,
}
