namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>The published binary the tests run (EDGEREG_BINARY, set by tests/run-tests.sh).</summary>
internal static class EdgeregBinary
{
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("EDGEREG_BINARY");
            if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
            {
                throw new InvalidOperationException(
                    "EDGEREG_BINARY is not set or does not exist. These tests run the published binary: build it with " +
                    "packaging/build-binary.sh and export EDGEREG_BINARY=$PWD/out/edgereg, or run tests/run-tests.sh.");
            }

            return System.IO.Path.GetFullPath(path);
        }
    }
}
