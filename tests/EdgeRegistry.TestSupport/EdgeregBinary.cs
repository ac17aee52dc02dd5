namespace EdgeRegistry.TestSupport;

/// <summary>The published native-AOT binary the tests run (EDGEREG_BINARY, set by tests/run-tests.sh).</summary>
public static class EdgeregBinary
{
    public const string Variable = "EDGEREG_BINARY";

    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new InvalidOperationException(
                    $"{Variable} is not set. These tests run the published native-AOT binary: build it with " +
                    "packaging/build-binary.sh (or `dotnet publish src/EdgeRegistry -c Release -r linux-x64 -o out`) " +
                    $"and export {Variable}=$PWD/out/edgereg, or run tests/run-tests.sh.");
            }

            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{Variable}={path} does not exist; build the binary first (tests/run-tests.sh does).");
            }

            return System.IO.Path.GetFullPath(path);
        }
    }
}
