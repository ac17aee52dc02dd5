using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Upstream.Client;

/// <summary>
/// The HTTP handler every upstream request goes through: bounded connecting (a cut uplink must cost a pull
/// seconds, not minutes), no automatic decompression (blob bytes are hashed as sent), and TLS verified against the
/// system CAs — plus, when given, the CAs of <c>--upstream-ca-file</c> (a site's own mirror registry with a
/// private CA). The host name is always checked.
/// </summary>
public static class UpstreamHandlerFactory
{
    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <param name="verify">False only for an upstream configured with <c>"tlsVerify": false</c>: any certificate is accepted.</param>
    internal static SocketsHttpHandler Create(X509Certificate2Collection? extraCas, bool verify = true)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            // Blob GETs of registries on object storage answer with a redirect to the bucket; the handler drops the
            // Authorization header when it follows one to another host.
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            UseCookies = false,
        };
        if (!verify)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        }
        else if (extraCas is { Count: > 0 })
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors, extraCas),
            };
        }
        return handler;
    }

    /// <summary>Trusted by the system, or — when only the chain failed — by a chain to one of the extra CAs.</summary>
    internal static bool Validate(X509Certificate? certificate, X509Chain? systemChain, SslPolicyErrors errors, X509Certificate2Collection extraCas)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is not X509Certificate2 leaf) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (systemChain is not null)
        {
            // Intermediates the server sent.
            foreach (var element in systemChain.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(leaf);
    }

    /// <summary>The certificates of a PEM bundle; the problem when it has none or cannot be read.</summary>
    public static (X509Certificate2Collection? Cas, string? Problem) LoadCaFile(string path)
    {
        try
        {
            var cas = new X509Certificate2Collection();
            cas.ImportFromPemFile(path);
            return cas.Count == 0 ? (null, "holds no PEM certificate") : (cas, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return (null, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message);
        }
    }
}
