using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Cli;

public sealed class EdgeregCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task InvokeAsync_NoCommand_PrintsHelpAndSucceeds()
    {
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("serve", process.Output);
        Assert.Contains("user", process.Output);
        Assert.Contains("version", process.Output);
    }

    [Fact]
    public async Task InvokeAsync_Version_PrintsVersion()
    {
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("version");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("edgereg 0.", process.Output);
    }

    [Fact]
    public async Task InvokeAsync_UnknownFlag_ExitsTwoNamingIt()
    {
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("serve", "--listn", "127.0.0.1:5000");

        Assert.Equal(2, exitCode);
        Assert.Contains("edgereg: Unrecognized command or argument '--listn'.", process.ErrorLines);
    }

    [Theory]
    [InlineData(new[] { "--listen", "foo" }, "--listen \"foo\": expected HOST:PORT")]
    [InlineData(new[] { "--listen", "127.0.0.1:70000" }, "--listen \"127.0.0.1:70000\": port \"70000\" is not a number from 0 to 65535")]
    [InlineData(new[] { "--tls-cert", "/c.pem" }, "--tls-cert \"/c.pem\": needs --tls-key too (EDGEREG_TLS_KEY or \"tlsKey\" in the config file)")]
    [InlineData(new[] { "--log-level", "noisy" }, "--log-level \"noisy\": expected one of trace, debug, information, warning, error, fatal")]
    [InlineData(new[] { "--shutdown-timeout", "-1" }, "--shutdown-timeout \"-1\": expected a whole number of seconds from 0 to 3600")]
    [InlineData(new[] { "--max-manifest-bytes", "1k" }, "--max-manifest-bytes \"1k\": expected a whole number of bytes from 4096 to 67108864")]
    public async Task InvokeAsync_ServeWithBadFlag_ExitsTwoWithOneLine(string[] flags, string expected)
    {
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync(["serve", "--root", _temp.File("root"), .. flags]);

        Assert.Equal(2, exitCode);
        Assert.Equal([$"edgereg: {expected}"], process.ErrorLines);
    }

    [Fact]
    public async Task InvokeAsync_ServeWithUnknownConfigKey_ExitsTwoNamingFileAndKey()
    {
        // The root is the test's own directory: a fixed path like /tmp/x is whatever another process left there.
        var config = _temp.WriteFile("config.json", $$"""{ "root": "{{_temp.File("root")}}", "tls": true }""");
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("serve", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Equal([$"edgereg: {config}: unknown key \"tls\""], process.ErrorLines);
    }

    [Fact]
    public async Task InvokeAsync_ServeWithBadEnvironment_ExitsTwoNamingVariable()
    {
        var environment = new Dictionary<string, string>
        {
            ["EDGEREG_ROOT"] = _temp.File("root"),
            ["EDGEREG_LISTEN"] = "0.0.0.0:5000,example.org:5000",
        };
        var process = new CapturedProcess(environment: environment);

        var exitCode = await process.RunAsync("serve");

        Assert.Equal(2, exitCode);
        Assert.Equal(["edgereg: EDGEREG_LISTEN \"example.org:5000\": HOST must be an IP address, [IPv6 address] or localhost"], process.ErrorLines);
    }

    [Fact]
    public async Task InvokeAsync_ServeOnBusyPort_ExitsOneWithoutServing()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var process = new CapturedProcess();

        var exitCode = await process.RunAsync("serve", "--root", _temp.File("root"), "--listen", $"127.0.0.1:{port}", "--log-level", "fatal");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"edgereg: cannot listen on 127.0.0.1:{port}: ", Assert.Single(process.ErrorLines));
    }
}
