using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Configuration;

/// <summary>Loads the serving certificate from PEM files; also used up front to validate them.</summary>
internal static class TlsCertificateLoader
{
    public static X509Certificate2 Load(string certificateFile, string keyFile) =>
        X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

    /// <summary>Null when the pair loads; otherwise what is wrong with it, in one line.</summary>
    /// <param name="notAfter">The certificate's expiry when it loads, so nobody needs to load it again to log that.</param>
    public static string? Check(string certificateFile, string keyFile, out DateTime notAfter)
    {
        notAfter = default;
        foreach (var file in new[] { certificateFile, keyFile })
        {
            if (!File.Exists(file))
            {
                return $"file not found: {file}";
            }
        }

        try
        {
            using var certificate = Load(certificateFile, keyFile);
            notAfter = certificate.NotAfter;
            // An expired certificate is logged, not refused: on a disconnected site a registry that will not
            // start stops the whole cluster from pulling, which is worse than clients complaining.
            return certificate.HasPrivateKey ? null : "the key does not belong to the certificate";
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"cannot load certificate and key: {OneLine(e.Message)}";
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
