using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>A fresh self-signed certificate for 127.0.0.1, written as PEM certificate and key files.</summary>
internal sealed class SelfSignedPem
{
    private SelfSignedPem(string certificateFile, string keyFile, string thumbprint)
    {
        CertificateFile = certificateFile;
        KeyFile = keyFile;
        Thumbprint = thumbprint;
    }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    public string Thumbprint { get; }

    public static SelfSignedPem Create(TempDirectory directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var certificateFile = directory.WriteFile("tls.crt", certificate.ExportCertificatePem());
        var keyFile = directory.WriteFile("tls.key", key.ExportPkcs8PrivateKeyPem());
        return new SelfSignedPem(certificateFile, keyFile, certificate.Thumbprint);
    }
}
