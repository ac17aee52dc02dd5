using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/bench/micro -- --filter '*'` (BenchmarkDotNet's own options apply).
BenchmarkSwitcher.FromAssembly(typeof(EdgeRegistry.Benchmarks.RequestPathBenchmarks).Assembly).Run(args);
