using System.Globalization;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>Reads a process's peak resident set size (VmHWM) from /proc.</summary>
internal static class ProcessMemory
{
    public static long PeakResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                // "VmHWM:     23456 kB"
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmHWM line");
    }
}
