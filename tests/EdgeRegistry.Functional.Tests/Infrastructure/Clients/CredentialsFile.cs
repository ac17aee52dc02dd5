using EdgeRegistry.Functional.Tests.Infrastructure.Processes;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>Creates credentials-file entries with the binary's own `edgereg user add` (password on stdin).</summary>
internal static class CredentialsFile
{
    public static async Task AddUserAsync(string path, string user, string password) =>
        (await ProcessRunner.RunAsync(
            EdgeregBinary.Path,
            ["user", "add", user, "--credentials-file", path],
            TestTimeouts.ShortCommand,
            standardInput: password + "\n")).EnsureSuccess();
}
