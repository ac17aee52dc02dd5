using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EdgeRegistry.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>
/// machineconfig/make-tls-mc.sh: the serving certificate, key and CA in their own MachineConfig, the environment file
/// that switches edgereg.service to TLS, and the ConfigMap CRI-O's trust comes from (additionalTrustedCA).
/// </summary>
public sealed class TlsMachineConfigTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);
    private static readonly string[] Nodes = ["master-0", "master-0.cluster.example", "10.0.0.11", "10.0.0.12", "fd00::11"];

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void MakeTlsMc_GeneratedCa_LaysDownPairCaAndEnvironmentAndPassesIgnitionValidate(string role)
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("tls");
        var run = ToolRun.Execute("/bin/sh", [Script, role, output, .. Nodes], temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Error);

        var machineConfig = MachineConfigDocument.Load(Path.Combine(output, $"52-{role}-edgereg-tls.yaml"));
        Assert.Equal($"52-{role}-edgereg-tls", machineConfig.Name);
        Assert.Equal(role, machineConfig.Role);
        Assert.Equal(
            ["/etc/edgereg/tls.env", "/etc/edgereg/tls/ca.crt", "/etc/edgereg/tls/tls.crt", "/etc/edgereg/tls/tls.key", "/etc/pki/ca-trust/source/anchors/edgereg-registry-ca.crt"],
            machineConfig.Files.Select(static f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(384, machineConfig.FileAt("/etc/edgereg/tls/tls.key").Mode);
        Assert.All(machineConfig.Files.Where(static f => f.Path != "/etc/edgereg/tls/tls.key"), static f => Assert.Equal(420, f.Mode));
        Assert.Equal(File.ReadAllText(Path.Combine(output, "tls.key")), machineConfig.FileAt("/etc/edgereg/tls/tls.key").Contents);
        Assert.Equal("EDGEREG_TLS_CERT=/etc/edgereg/tls/tls.crt\nEDGEREG_TLS_KEY=/etc/edgereg/tls/tls.key\n", machineConfig.FileAt("/etc/edgereg/tls.env").Contents);

        // Every SAN a client or peer may use, and a chain to the CA that is delivered beside it.
        using var certificate = X509Certificate2.CreateFromPem(machineConfig.FileAt("/etc/edgereg/tls/tls.crt").Contents);
        var sans = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "master-0", "master-0.cluster.example"], sans.EnumerateDnsNames().Order(StringComparer.Ordinal));
        Assert.Equal(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.11"), IPAddress.Parse("10.0.0.12"), IPAddress.Parse("fd00::11") }
            .Select(static a => a.ToString()).Order(StringComparer.Ordinal), sans.EnumerateIPAddresses().Select(static a => a.ToString()).Order(StringComparer.Ordinal));
        var ca = machineConfig.FileAt("/etc/edgereg/tls/ca.crt").Contents;
        Assert.Equal(ca, machineConfig.FileAt("/etc/pki/ca-trust/source/anchors/edgereg-registry-ca.crt").Contents);
        Assert.True(ChainsTo(certificate, ca), "the serving certificate does not chain to the delivered CA");

        var ignitionPath = temp.Combine("tls.ign");
        File.WriteAllText(ignitionPath, IgnitionJson.FromYaml(machineConfig.IgnitionConfig));
        var validation = ToolRun.Execute(ToolRun.Require("/usr/bin/ignition-validate", "ignition"), [ignitionPath], temp.Path, ToolTimeout);
        Assert.True(validation.ExitCode == 0 && validation.Combined.Length == 0, $"ignition-validate: {validation.Combined}");

        // additionalTrustedCA: one key per registry host as host..port; IPv6 addresses cannot be ConfigMap keys.
        var configMap = YamlFile.Load(Path.Combine(output, "edgereg-registry-ca.yaml"));
        Assert.Equal("ConfigMap", configMap.Text("kind"));
        Assert.Equal("openshift-config", configMap.Mapping("metadata").Text("namespace"));
        var data = configMap.Mapping("data");
        Assert.Equal(["10.0.0.11..5000", "10.0.0.12..5000", "localhost..5000", "master-0..5000", "master-0.cluster.example..5000"],
            data.Children.Keys.Select(static k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        Assert.All(data.Children.Values, value => Assert.Equal(ca.Trim(), ((YamlScalarNode)value).Value!.Trim()));
    }

    [Fact]
    public async Task MakeTlsMc_DeliveredPair_ServedByEdgeregToAClientTrustingOnlyTheCa_AndRenewalWithTheSameCaChains()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("tls");
        var run = ToolRun.Execute("/bin/sh", [Script, "master", output, "master-0"], temp.Path, ToolTimeout);
        Assert.True(run.ExitCode == 0, run.Error);
        var machineConfig = MachineConfigDocument.Load(Path.Combine(output, "52-master-edgereg-tls.yaml"));

        // The node's view: the files where the MachineConfig puts them (under a test root), the environment the unit
        // reads from tls.env, and no --tls-* flag: the environment file alone switches edgereg to TLS.
        var node = temp.Combine("node");
        foreach (var file in machineConfig.Files)
        {
            var path = node + file.Path;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Contents);
        }

        var environment = machineConfig.FileAt("/etc/edgereg/tls.env").Contents.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => line.Split('=', 2)).ToDictionary(static kv => kv[0], kv => node + kv[1]);
        var ca = machineConfig.FileAt("/etc/edgereg/tls/ca.crt").Contents;
        var subject = await ServedSubjectAsync(temp, environment, ca);
        Assert.Equal("CN=edgereg", subject);

        // Renewal signs a new pair with the same CA (the clients' trust does not change).
        var renewed = temp.Combine("renewed");
        var renewal = ToolRun.Execute("/bin/sh",
            [Script, "--ca-cert", Path.Combine(output, "ca.crt"), "--ca-key", Path.Combine(output, "ca.key"), "master", renewed, "master-0"], temp.Path, ToolTimeout);
        Assert.True(renewal.ExitCode == 0, renewal.Error);
        Assert.False(File.Exists(Path.Combine(renewed, "ca.key")), "a renewal with the existing CA wrote a CA key");
        Assert.Equal(ca, File.ReadAllText(Path.Combine(renewed, "ca.crt")));
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(renewed, "tls.crt")));
        Assert.True(ChainsTo(certificate, ca));
        Assert.NotEqual(File.ReadAllText(Path.Combine(output, "tls.crt")), File.ReadAllText(Path.Combine(renewed, "tls.crt")));
    }

    [Theory]
    [InlineData(new[] { "master", "OUT" }, "usage:")]
    [InlineData(new[] { "Master!", "OUT", "master-0" }, "expected a pool name")]
    [InlineData(new[] { "master", "OUT", "bad_name" }, "not a host name or address")]
    [InlineData(new[] { "--cert", "CERT", "master", "OUT", "master-0" }, "--cert and --key go together")]
    [InlineData(new[] { "--ca-cert", "CERT", "master", "OUT", "master-0" }, "--ca-cert and --ca-key go together")]
    [InlineData(new[] { "--cert", "CERT", "--key", "OTHERKEY", "--ca-cert", "CA", "master", "OUT", "master-0" }, "does not belong")]
    [InlineData(new[] { "--port", "70000", "master", "OUT", "master-0" }, "expected a port from 1 to 65535")]
    public void MakeTlsMc_BadArguments_ExitTwoWithMessageAndWriteNoMachineConfig(string[] arguments, string expected)
    {
        using var temp = new TempDirectory();
        var existing = temp.Combine("existing");
        var first = ToolRun.Execute("/bin/sh", [Script, "master", existing, "master-0"], temp.Path, ToolTimeout);
        Assert.True(first.ExitCode == 0, first.Error);
        var other = temp.Combine("other");
        Assert.Equal(0, ToolRun.Execute("/bin/sh", [Script, "master", other, "master-1"], temp.Path, ToolTimeout).ExitCode);
        var output = temp.Combine("out");
        var substituted = arguments.Select(a => a switch
        {
            "OUT" => output,
            "CERT" => Path.Combine(existing, "tls.crt"),
            "CA" => Path.Combine(existing, "ca.crt"),
            "OTHERKEY" => Path.Combine(other, "tls.key"),
            _ => a,
        });

        var run = ToolRun.Execute("/bin/sh", [Script, .. substituted], temp.Path, ToolTimeout);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "52-master-edgereg-tls.yaml")), "a MachineConfig was written for bad input");
    }

    private static bool ChainsTo(X509Certificate2 certificate, string caPem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(caPem));
        return chain.Build(certificate);
    }

    /// <summary>Starts the published binary with the given environment and asks https://localhost:PORT for its certificate.</summary>
    private static async Task<string> ServedSubjectAsync(TempDirectory temp, IReadOnlyDictionary<string, string> environment, string caPem)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = temp.Combine("config.json");
        File.WriteAllText(config, "{}");
        var start = new ProcessStartInfo(EdgeregBinary.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "serve", "--config", config, "--root", temp.Combine("store"), "--listen", $"127.0.0.1:{port}", "--status-socket", temp.Combine("status.sock") },
        };
        foreach (var name in start.Environment.Keys.Where(static n => n.StartsWith("EDGEREG_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            Exception? last = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, port);
                    await using var tls = new SslStream(tcp.GetStream());
                    using var caCertificate = X509Certificate2.CreateFromPem(caPem);
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        CertificateChainPolicy = new X509ChainPolicy
                        {
                            TrustMode = X509ChainTrustMode.CustomRootTrust,
                            RevocationMode = X509RevocationMode.NoCheck,
                            CustomTrustStore = { caCertificate },
                        },
                    });
                    return tls.RemoteCertificate!.Subject;
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    last = e;
                    await Task.Delay(100);
                }
            }

            throw new InvalidOperationException($"edgereg did not complete a trusted TLS handshake: {last?.Message}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            _ = await log + await errors;
        }
    }

    private static string Script => Path.Combine(RepositoryFiles.Root, "machineconfig", "make-tls-mc.sh");
}
