// The tests start real servers and heavy clients on a 2-core machine, and [Fact(Timeout)] needs a serial
// run; xunit.runner.json says the same for runners that read it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
