// The binary test starts a real server; keep the tier serial like the functional tier so it never competes
// for the build machine's two cores with the other tests in this assembly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The tier drives Linux tools (systemd-analyze, ignition-validate, sh, rpm) and Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
