using EdgeRegistry.Fuzz;
using EdgeRegistry.Fuzz.Targets;

// Long runs (tests/fuzz/README.md):
//   dotnet run --project tests/fuzz/EdgeRegistry.Fuzz -c Release -- pass TARGET|all SECONDS [SEED]
//   afl-fuzz -i tests/fuzz/EdgeRegistry.Fuzz/corpus/TARGET -o OUT -- dotnet .../EdgeRegistry.Fuzz.dll afl TARGET
string corpusRoot = Path.Combine(AppContext.BaseDirectory, "corpus");
switch (args)
{
    case ["pass", string name, string seconds, ..]:
    {
        int seed = args.Length > 3 ? int.Parse(args[3]) : Environment.TickCount;
        var names = name == "all" ? FuzzTargets.Names : [name];
        int failed = 0;
        foreach (string target in names)
        {
            var result = BoundedPass.Run(target, TimeSpan.FromSeconds(double.Parse(seconds)), seed, corpusRoot, "findings");
            Console.WriteLine($"{target}: {result.Runs} inputs, {result.Findings.Count} findings (seed {seed})");
            foreach (string finding in result.Findings) Console.WriteLine("  " + finding);
            failed += result.Findings.Count;
        }
        return failed == 0 ? 0 : 1;
    }
    case ["afl", string name]:
    {
        // AFL++ through SharpFuzz: instrument the product assemblies first (tests/fuzz/afl.sh does both).
        var target = FuzzTargets.Create(name);
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    }
    default:
        Console.Error.WriteLine($"usage: EdgeRegistry.Fuzz pass TARGET|all SECONDS [SEED] | afl TARGET  (targets: {string.Join(", ", FuzzTargets.Names)})");
        return 2;
}
