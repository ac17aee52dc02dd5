using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Cli;

public sealed class UserAddTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task UserAdd_PasswordOnStdin_WritesHashedEntry()
    {
        var credentials = _temp.File("credentials");
        var process = new CapturedProcess(standardInput: "s3cret\n");

        var exitCode = await process.RunAsync("user", "add", "alice", "--credentials-file", credentials);

        Assert.Equal(0, exitCode);
        Assert.Equal($"user \"alice\" saved in {credentials}\n", process.Output);
        var line = Assert.Single(File.ReadAllLines(credentials));
        Assert.StartsWith("alice:", line);
        Assert.DoesNotContain("s3cret", line);
    }

    [Fact]
    public async Task UserAdd_CredentialsFileFromEnvironment_WritesThere()
    {
        var credentials = _temp.File("from-env");
        var process = new CapturedProcess("pw", new Dictionary<string, string> { ["EDGEREG_CREDENTIALS_FILE"] = credentials });

        var exitCode = await process.RunAsync("user", "add", "bob");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("bob:", File.ReadAllText(credentials));
    }

    [Fact]
    public async Task UserAdd_CredentialsFileFromConfigFile_WritesThere()
    {
        var credentials = _temp.File("from-config");
        var config = _temp.WriteFile("config.json", $$"""{ "credentialsFile": "{{credentials}}", "root": "/unused" }""");
        var process = new CapturedProcess("pw");

        var exitCode = await process.RunAsync("user", "add", "carol", "--config", config);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("carol:", File.ReadAllText(credentials));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task UserAdd_EmptyPasswordOnStdin_RefusedWithExitTwo(string input)
    {
        var credentials = _temp.File("credentials");
        var process = new CapturedProcess(input);

        var exitCode = await process.RunAsync("user", "add", "alice", "--credentials-file", credentials);

        Assert.Equal(2, exitCode);
        Assert.Equal(["edgereg: empty password refused"], process.ErrorLines);
        Assert.False(File.Exists(credentials));
    }

    [Fact]
    public async Task UserAdd_MultiLineStdin_Refused()
    {
        var credentials = _temp.File("credentials");
        var process = new CapturedProcess("one\ntwo\n");

        var exitCode = await process.RunAsync("user", "add", "alice", "--credentials-file", credentials);

        Assert.Equal(2, exitCode);
        Assert.Equal(["edgereg: password must be a single line"], process.ErrorLines);
        Assert.False(File.Exists(credentials));
    }

    [Theory]
    [InlineData("al:ice", "':' is not allowed; use letters, digits, '.', '_', '-' and '@'")]
    [InlineData("al ice", "' ' is not allowed; use letters, digits, '.', '_', '-' and '@'")]
    public async Task UserAdd_InvalidName_RefusedWithExitTwo(string name, string problem)
    {
        var credentials = _temp.File("credentials");
        var process = new CapturedProcess("pw\n");

        var exitCode = await process.RunAsync("user", "add", name, "--credentials-file", credentials);

        Assert.Equal(2, exitCode);
        Assert.Equal([$"edgereg: user name \"{name}\": {problem}"], process.ErrorLines);
        Assert.False(File.Exists(credentials));
    }

    [Fact]
    public async Task UserAdd_TerminalPromptsMatch_WritesEntry()
    {
        var credentials = _temp.File("credentials");
        var prompts = new List<string>();
        var process = new CapturedProcess(promptHidden: prompt => { prompts.Add(prompt); return "typed-pw"; });

        var exitCode = await process.RunAsync("user", "add", "dave", "--credentials-file", credentials);

        Assert.Equal(0, exitCode);
        Assert.Equal(["Password: ", "Repeat password: "], prompts);
        Assert.StartsWith("dave:", File.ReadAllText(credentials));
    }

    [Fact]
    public async Task UserAdd_TerminalPromptsDiffer_RefusedWithExitTwo()
    {
        var credentials = _temp.File("credentials");
        var answers = new Queue<string>(["first", "second"]);
        var process = new CapturedProcess(promptHidden: _ => answers.Dequeue());

        var exitCode = await process.RunAsync("user", "add", "dave", "--credentials-file", credentials);

        Assert.Equal(2, exitCode);
        Assert.Equal(["edgereg: passwords do not match"], process.ErrorLines);
        Assert.False(File.Exists(credentials));
    }

    [Fact]
    public async Task UserAdd_ExistingUser_ReplacesPasswordKeepsOthers()
    {
        var credentials = _temp.File("credentials");
        await new CapturedProcess("one").RunAsync("user", "add", "alice", "--credentials-file", credentials);
        await new CapturedProcess("two").RunAsync("user", "add", "bob", "--credentials-file", credentials);
        var before = File.ReadAllLines(credentials);

        var exitCode = await new CapturedProcess("three").RunAsync("user", "add", "alice", "--credentials-file", credentials);

        var after = File.ReadAllLines(credentials);
        Assert.Equal(0, exitCode);
        Assert.Equal(2, after.Length);
        Assert.NotEqual(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
    }
}
