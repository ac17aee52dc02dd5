using System.Net;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Tls;

/// <summary>
/// A renewed serving certificate reaches new connections without a restart: the pair is renamed into place the way
/// a MachineConfig or cert-manager replaces it, and a client trusting only the cluster's CA sees the new one. A
/// broken replacement never reaches clients: the old certificate stays and the log says why in a sentence.
/// </summary>
public sealed class CertificateReloadTests(ITestOutputHelper output)
{
    /// <summary>The server looks every 5 s; a broken pair is reported on its second look. Generous for a loaded machine.</summary>
    private static readonly TimeSpan ReloadWithin = TimeSpan.FromSeconds(45);

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task RenewedCertificate_RenamedIntoPlace_IsServedToNewConnectionsWithoutRestart_AndABrokenOneKeepsTheOld()
    {
        using var temp = new TempDirectory("tls-reload");
        var certificates = await TestCertificates.CreateAsync(temp.Sub("pki"));
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")) { Tls = certificates }, output);
        var client = new TrustingTlsClient(certificates.CaFile);
        Assert.Contains("CN=upstream", await client.ServedSubjectAsync("127.0.0.1", server.Port), StringComparison.Ordinal);
        var pid = server.Pid;

        // Renewal: a new pair written beside the old one, then each file renamed over its predecessor (key first:
        // for a moment the new key sits with the old certificate, which must not disturb anything).
        var staged = temp.Sub("staged");
        await certificates.IssueAsync("renewed", Path.Combine(staged, "server.pem"), Path.Combine(staged, "server.key"));
        File.Move(Path.Combine(staged, "server.key"), certificates.KeyFile, overwrite: true);
        File.Move(Path.Combine(staged, "server.pem"), certificates.CertificateFile, overwrite: true);

        var took = await Eventually.HoldsAsync("the renewed certificate served", ReloadWithin, async () =>
        {
            var subject = await client.ServedSubjectAsync("127.0.0.1", server.Port);
            return subject.Contains("CN=renewed", StringComparison.Ordinal) ? null : $"served {subject}";
        });
        output.WriteLine($"renewed certificate served after {took.TotalSeconds:0.0} s");
        Assert.Equal(pid, server.Pid);
        Assert.Contains("changed on disk", server.Output, StringComparison.Ordinal);
        using (var http = client.CreateHttpClient(server.BaseAddress))
        using (var response = await http.GetAsync("v2/"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A truncated certificate renamed into place: clients keep getting the renewed one, the log names the files.
        var broken = Path.Combine(staged, "broken.pem");
        var renewedPem = await File.ReadAllTextAsync(certificates.CertificateFile);
        await File.WriteAllTextAsync(broken, renewedPem[..(renewedPem.Length / 2)]);
        File.Move(broken, certificates.CertificateFile, overwrite: true);
        await Eventually.HoldsAsync("the broken certificate reported", ReloadWithin, () =>
            server.Output.Contains("cannot be loaded", StringComparison.Ordinal) ? null : "no log line about the broken pair yet");
        Assert.Contains($"The TLS certificate {certificates.CertificateFile} and key {certificates.KeyFile} on disk cannot be loaded", server.Output,
            StringComparison.Ordinal);
        Assert.Contains("still serving the previous certificate", server.Output, StringComparison.Ordinal);
        Assert.Contains("CN=renewed", await client.ServedSubjectAsync("127.0.0.1", server.Port), StringComparison.Ordinal);
        using (var http = client.CreateHttpClient(server.BaseAddress))
        using (var response = await http.GetAsync("v2/"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(pid, server.Pid);
    }
}
