namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>A CA the test generates with openssl, and a server certificate it signed for 127.0.0.1 (and other addresses).</summary>
internal sealed record TestCertificates(string CaFile, string CertificateFile, string KeyFile)
{
    public static async Task<TestCertificates> CreateAsync(string directory, params string[] ipAddresses)
    {
        Directory.CreateDirectory(directory);
        string ca = Path.Combine(directory, "ca.pem"), caKey = CaKeyFile(ca);
        string cert = Path.Combine(directory, "server.pem"), key = Path.Combine(directory, "server.key");
        await OpenSslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=edgereg test CA");
        var certificates = new TestCertificates(ca, cert, key);
        await certificates.IssueAsync("upstream", cert, key, ipAddresses);
        return certificates;
    }

    /// <summary>
    /// Signs another server certificate with this CA, for <paramref name="commonName"/> (so a client can tell which
    /// one it was served), into the given files: what a renewal writes before renaming the pair into place.
    /// </summary>
    public async Task IssueAsync(string commonName, string certificateFile, string keyFile, params string[] ipAddresses)
    {
        var directory = Path.GetDirectoryName(CaFile)!;
        string csr = certificateFile + ".csr", ext = certificateFile + ".ext";
        var sans = string.Join(",", new[] { "127.0.0.1" }.Concat(ipAddresses).Distinct().Select(static ip => $"IP:{ip}"));
        await File.WriteAllTextAsync(ext, $"subjectAltName={sans}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", csr, "-subj", $"/CN={commonName}");
        await OpenSslAsync("x509", "-req", "-in", csr, "-CA", CaFile, "-CAkey", CaKeyFile(CaFile), "-CAcreateserial", "-CAserial",
            Path.Combine(directory, "ca.srl"), "-out", certificateFile, "-days", "2", "-extfile", ext);
    }

    private static string CaKeyFile(string caFile) => Path.Combine(Path.GetDirectoryName(caFile)!, "ca.key");

    private static async Task OpenSslAsync(params string[] arguments) =>
        (await ProcessRunner.RunAsync("openssl", arguments, TimeSpan.FromSeconds(30))).EnsureSuccess();
}
