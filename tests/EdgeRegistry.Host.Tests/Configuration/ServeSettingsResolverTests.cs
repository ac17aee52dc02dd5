using System.Net;
using EdgeRegistry.Configuration;
using EdgeRegistry.Host.Tests.Support;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Configuration;

public sealed class ServeSettingsResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private SettingsResult Resolve(CommandLineSettings commandLine, Dictionary<string, string>? environment = null) =>
        ServeSettingsResolver.Resolve(commandLine, name => environment?.GetValueOrDefault(name));

    private string Root(string name = "root") => _temp.File(name);

    [Fact]
    public void Resolve_NothingButRoot_UsesDefaults()
    {
        var result = Resolve(new CommandLineSettings { Root = Root() });

        Assert.Empty(result.Errors);
        var settings = result.Settings!;
        Assert.Equal([new ListenEndpoint(IPAddress.IPv6Any, 5000)], settings.Listen);
        Assert.Equal(ServeSettings.DefaultCredentialsFile, settings.CredentialsFile);
        Assert.False(settings.AnonymousWrites);
        Assert.Equal(LogEventLevel.Information, settings.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownTimeout);
        Assert.Equal(4 * 1024 * 1024, settings.MaxManifestBytes);
        Assert.False(settings.UsesTls);
        Assert.True(Directory.Exists(Root()));
    }

    [Fact]
    public void Resolve_AllThreeSources_FlagBeatsEnvironmentBeatsFile()
    {
        var config = _temp.WriteFile("config.json", $$"""
            {
              // comments are allowed
              "listen": ["127.0.0.1:7001"],
              "root": "{{Root("from-file")}}",
              "logLevel": "error",
              "shutdownTimeoutSeconds": 3,
              "credentialsFile": "/file/credentials",
              "maxManifestBytes": 65536
            }
            """);
        var environment = new Dictionary<string, string>
        {
            ["EDGEREG_CONFIG"] = config,
            ["EDGEREG_LISTEN"] = "127.0.0.1:7002, [::1]:7002",
            ["EDGEREG_ROOT"] = Root("from-env"),
            ["EDGEREG_LOG_LEVEL"] = "warning",
        };
        var flags = new CommandLineSettings { Root = Root("from-flag") };

        var settings = Resolve(flags, environment).Settings!;

        Assert.Equal(Root("from-flag"), settings.Root);
        Assert.Equal(
            [new ListenEndpoint(IPAddress.Loopback, 7002), new ListenEndpoint(IPAddress.IPv6Loopback, 7002)],
            settings.Listen);
        Assert.Equal(LogEventLevel.Warning, settings.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.ShutdownTimeout);
        Assert.Equal("/file/credentials", settings.CredentialsFile);
        Assert.Equal(65536, settings.MaxManifestBytes);
        Assert.Equal(config, settings.ConfigFile);
    }

    [Fact]
    public void Resolve_RepeatedListenFlags_ReplaceEnvironmentList()
    {
        var environment = new Dictionary<string, string> { ["EDGEREG_LISTEN"] = "127.0.0.1:7002" };
        var flags = new CommandLineSettings { Root = Root(), Listen = ["127.0.0.1:7003", "[::1]:7003"] };

        var settings = Resolve(flags, environment).Settings!;

        Assert.Equal(
            [new ListenEndpoint(IPAddress.Loopback, 7003), new ListenEndpoint(IPAddress.IPv6Loopback, 7003)],
            settings.Listen);
    }

    [Fact]
    public void Resolve_AnonymousWritesFromFileAndEnvironment_EnvironmentWins()
    {
        var config = _temp.WriteFile("config.json", """{ "anonymousWrites": true }""");
        var environment = new Dictionary<string, string> { ["EDGEREG_ANONYMOUS_WRITES"] = "false" };

        var fromEnvironment = Resolve(new CommandLineSettings { Root = Root(), Config = config }, environment).Settings!;
        var fromFile = Resolve(new CommandLineSettings { Root = Root(), Config = config }).Settings!;
        var fromFlag = Resolve(new CommandLineSettings { Root = Root(), Config = config, AnonymousWrites = true }, environment).Settings!;

        Assert.False(fromEnvironment.AnonymousWrites);
        Assert.True(fromFile.AnonymousWrites);
        Assert.True(fromFlag.AnonymousWrites);
    }

    [Fact]
    public void Resolve_EmptyEnvironmentVariable_CountsAsUnset()
    {
        var environment = new Dictionary<string, string> { ["EDGEREG_LISTEN"] = "", ["EDGEREG_ROOT"] = Root() };

        var settings = Resolve(new CommandLineSettings(), environment).Settings!;

        Assert.Equal(ServeSettings.DefaultListen, settings.Listen);
        Assert.Equal(Root(), settings.Root);
    }

    [Fact]
    public void Resolve_BadValuesFromEachSource_NamesTheSource()
    {
        var config = _temp.WriteFile("config.json", """{ "logLevel": "chatty" }""");
        var environment = new Dictionary<string, string> { ["EDGEREG_LISTEN"] = "127.0.0.1:1,nonsense" };

        var result = Resolve(new CommandLineSettings { Root = Root(), Config = config, ShutdownTimeout = "soon" }, environment);

        Assert.Null(result.Settings);
        Assert.Equal(
            [
                "EDGEREG_LISTEN \"nonsense\": expected HOST:PORT",
                $"{config}: logLevel \"chatty\": expected one of trace, debug, information, warning, error, fatal",
                "--shutdown-timeout \"soon\": expected a whole number of seconds from 0 to 3600",
            ],
            result.Errors);
    }

    [Theory]
    [InlineData("""{ "lisen": ["0.0.0.0:5000"] }""", "unknown key \"lisen\"")]
    [InlineData("""{ "root": { "path": "/x" } }""", "root: expected a string, number or boolean, not an object")]
    [InlineData("""{ "listen": [5000] }""", "listen: expected an array of strings")]
    [InlineData("""{ "listen": [] }""", "listen: expected at least one address")]
    [InlineData("""[ "listen" ]""", "expected a JSON object at the top level")]
    public void Resolve_MalformedConfigFile_ReportsFileAndKey(string json, string expected)
    {
        var config = _temp.WriteFile("config.json", json);

        var result = Resolve(new CommandLineSettings { Root = Root(), Config = config });

        Assert.Equal([$"{config}: {expected}"], result.Errors);
    }

    [Fact]
    public void Resolve_ConfigFileTruncated_SentenceNamingFileAndLine()
    {
        var config = _temp.WriteFile("config.json", "{\n  \"root\": \"/var/local-registry\",\n  \"listen\": [\"0.0.0.0:5000\"] ");

        var result = Resolve(new CommandLineSettings { Root = Root(), Config = config });

        Assert.Equal([$"{config}: line 3, column 30: invalid JSON: the file ends before the JSON is complete (truncated, or a bracket or quote is not closed)"],
            result.Errors);
    }

    [Fact]
    public void Resolve_ConfigFileMissingComma_NamesTheUnexpectedCharacterAndLine()
    {
        var config = _temp.WriteFile("config.json", "{\n  \"root\": \"/srv/store\"\n  \"logLevel\": \"debug\"\n}\n");

        var result = Resolve(new CommandLineSettings { Root = Root(), Config = config });

        Assert.Equal([$"{config}: line 3, column 3: invalid JSON: unexpected '\"' (a missing comma, quote or colon before it?)"], result.Errors);
    }

    [Fact]
    public void Resolve_ConfigFileEmpty_SaysWhatToWrite()
    {
        var config = _temp.WriteFile("config.json", "\n");

        var result = Resolve(new CommandLineSettings { Root = Root(), Config = config });

        Assert.Equal([$"{config}: the config file is empty; write {{}} for a file with no settings"], result.Errors);
    }

    [Fact]
    public void Resolve_ExplicitConfigFileMissing_ReportsIt()
    {
        var missing = _temp.File("missing.json");

        var fromFlag = Resolve(new CommandLineSettings { Root = Root(), Config = missing });
        var fromEnvironment = Resolve(new CommandLineSettings { Root = Root() },
            new Dictionary<string, string> { ["EDGEREG_CONFIG"] = missing });

        Assert.Equal([$"--config \"{missing}\": file not found"], fromFlag.Errors);
        Assert.Equal([$"EDGEREG_CONFIG \"{missing}\": file not found"], fromEnvironment.Errors);
    }

    [Fact]
    public void Resolve_CertificateWithoutKey_ReportsMissingKey()
    {
        var result = Resolve(new CommandLineSettings { Root = Root(), TlsCert = "/etc/edgereg/tls.crt" });

        Assert.Equal(["--tls-cert \"/etc/edgereg/tls.crt\": needs --tls-key too (EDGEREG_TLS_KEY or \"tlsKey\" in the config file)"], result.Errors);
    }

    [Fact]
    public void Resolve_KeyWithoutCertificate_ReportsMissingCertificate()
    {
        var environment = new Dictionary<string, string> { ["EDGEREG_TLS_KEY"] = "/k.pem" };

        var result = Resolve(new CommandLineSettings { Root = Root() }, environment);

        Assert.Equal(["EDGEREG_TLS_KEY \"/k.pem\": needs --tls-cert too (EDGEREG_TLS_CERT or \"tlsCert\" in the config file)"], result.Errors);
    }

    [Fact]
    public void Resolve_CertificateFileNotPem_ReportsLoadFailure()
    {
        var cert = _temp.WriteFile("cert.pem", "not a certificate");
        var key = _temp.WriteFile("key.pem", "not a key");

        var result = Resolve(new CommandLineSettings { Root = Root(), TlsCert = cert, TlsKey = key });

        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"--tls-cert \"{cert}\": cannot load certificate and key: ", error);
    }

    [Fact]
    public void Resolve_CertificateFileMissing_ReportsIt()
    {
        var key = _temp.WriteFile("key.pem", "irrelevant");
        var cert = _temp.File("absent.pem");

        var result = Resolve(new CommandLineSettings { Root = Root(), TlsCert = cert, TlsKey = key });

        Assert.Equal([$"--tls-cert \"{cert}\": file not found: {cert}"], result.Errors);
    }

    [Fact]
    public void Resolve_RootIsAFile_ReportsIt()
    {
        var file = _temp.WriteFile("plain-file", "x");

        var result = Resolve(new CommandLineSettings { Root = file });

        Assert.Equal([$"--root \"{file}\": is a file, not a directory"], result.Errors);
    }

    [Fact]
    public void Resolve_RootUnderAFile_ReportsItCannotBeUsed()
    {
        var file = _temp.WriteFile("plain-file", "x");
        var root = Path.Combine(file, "store");

        var result = Resolve(new CommandLineSettings { Root = root });

        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"--root \"{root}\": cannot use as store root: ", error);
    }

    [Theory]
    [InlineData("EDGEREG_ANONYMOUS_WRITES", "maybe", "expected true or false")]
    [InlineData("EDGEREG_SHUTDOWN_TIMEOUT", "3601", "expected a whole number of seconds from 0 to 3600")]
    [InlineData("EDGEREG_SHUTDOWN_TIMEOUT", "1.5", "expected a whole number of seconds from 0 to 3600")]
    [InlineData("EDGEREG_MAX_MANIFEST_BYTES", "100", "expected a whole number of bytes from 4096 to 67108864")]
    [InlineData("EDGEREG_LOG_LEVEL", "loud", "expected one of trace, debug, information, warning, error, fatal")]
    [InlineData("EDGEREG_LISTEN", "127.0.0.1:5000,127.0.0.1:5000", "listed twice")]
    public void Resolve_BadEnvironmentValue_ReportsVariableValueAndProblem(string variable, string value, string problem)
    {
        var environment = new Dictionary<string, string> { [variable] = value };

        var result = Resolve(new CommandLineSettings { Root = Root() }, environment);

        var shown = variable == "EDGEREG_LISTEN" ? "127.0.0.1:5000" : value;
        Assert.Equal([$"{variable} \"{shown}\": {problem}"], result.Errors);
    }
}
