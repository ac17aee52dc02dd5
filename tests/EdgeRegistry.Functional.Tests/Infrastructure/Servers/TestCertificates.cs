namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>A CA the test generates with openssl, and a server certificate it signed for 127.0.0.1 (and other addresses).</summary>
internal sealed record TestCertificates(string CaFile, string CertificateFile, string KeyFile)
{
    public static async Task<TestCertificates> CreateAsync(string directory, params string[] ipAddresses)
    {
        Directory.CreateDirectory(directory);
        string ca = Path.Combine(directory, "ca.pem"), caKey = Path.Combine(directory, "ca.key");
        string cert = Path.Combine(directory, "server.pem"), key = Path.Combine(directory, "server.key"), csr = Path.Combine(directory, "server.csr");
        string ext = Path.Combine(directory, "san.ext");
        var sans = string.Join(",", new[] { "127.0.0.1" }.Concat(ipAddresses).Distinct().Select(static ip => $"IP:{ip}"));
        await File.WriteAllTextAsync(ext, $"subjectAltName={sans}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        await OpenSslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=edgereg test CA");
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=upstream");
        await OpenSslAsync("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext);
        return new TestCertificates(ca, cert, key);
    }

    private static async Task OpenSslAsync(params string[] arguments) =>
        (await ProcessRunner.RunAsync("openssl", arguments, TimeSpan.FromSeconds(30))).EnsureSuccess();
}
