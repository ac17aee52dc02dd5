using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>
/// A TLS client that trusts one CA file and nothing else (as a node trusts the cluster's edgereg CA): an HttpClient
/// for requests, and a bare handshake that reports which certificate a new connection is served.
/// </summary>
internal sealed class TrustingTlsClient(string caFile)
{
    private readonly X509Certificate2Collection _roots = LoadRoots(caFile);

    public HttpClient CreateHttpClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        // A new connection per request, so every request sees what the server serves now.
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors) },
    })
    { BaseAddress = baseAddress, Timeout = TestTimeouts.HttpRequest };

    /// <summary>The subject of the certificate a fresh handshake with host:port is served; throws when it is not trusted.</summary>
    public async Task<string> ServedSubjectAsync(string host, int port)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TestTimeouts.HttpRequest);
        await tcp.ConnectAsync(host, port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors),
        }, timeout.Token);
        return tls.RemoteCertificate!.Subject;
    }

    /// <summary>Name checks from the platform, chain checks against the CA alone (the system store knows nothing of it).</summary>
    private bool Trusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static X509Certificate2Collection LoadRoots(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        return roots;
    }
}
