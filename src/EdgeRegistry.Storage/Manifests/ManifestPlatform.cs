using System.Runtime.InteropServices;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// The <c>platform</c> of an index entry, as far as choosing one matters here: OS and architecture in the
/// image-spec's (Go's) names. Variants are ignored: an edge node pulls the one child its architecture selects.
/// </summary>
public sealed record ManifestPlatform(string Os, string Architecture)
{
    /// <summary>This machine, in image-spec names: the platform CRI-O on this node will select from an index.</summary>
    public static ManifestPlatform Current { get; } = new("linux", ArchitectureName(RuntimeInformation.OSArchitecture));

    public bool Matches(ManifestPlatform other) =>
        string.Equals(Os, other.Os, StringComparison.Ordinal) && string.Equals(Architecture, other.Architecture, StringComparison.Ordinal);

    private static string ArchitectureName(Architecture architecture) => architecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loong64",
        _ => architecture.ToString().ToLowerInvariant(),
    };
}
