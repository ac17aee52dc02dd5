using System.Diagnostics;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Drills;

/// <summary>
/// The rounds of one SIGKILL drill: as many as fit, up to <see cref="MaxRounds"/> and within <see cref="Budget"/>
/// (a loaded 2-core machine runs fewer), at random moments from a logged seed so a failure can be replayed
/// (`EDGEREG_DRILL_SEED=N` runs a drill with seed N), and a tally of how each round ended — a drill whose kills never
/// landed mid-work proves nothing, so it says so.
/// </summary>
internal sealed class KillRounds
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly ITestOutputHelper _output;
    private readonly string _drill;
    private TimeSpan _roundStarted;

    public KillRounds(string drill, int maxRounds, TimeSpan budget, ITestOutputHelper output)
    {
        _drill = drill;
        MaxRounds = maxRounds;
        Budget = budget;
        _output = output;
        Seed = int.TryParse(Environment.GetEnvironmentVariable("EDGEREG_DRILL_SEED"), out var replay) ? replay : Environment.TickCount;
        Random = new Random(Seed);
        output.WriteLine($"{drill}: seed {Seed} (EDGEREG_DRILL_SEED={Seed} replays it), up to {maxRounds} rounds within {budget.TotalSeconds:0} s");
    }

    public int MaxRounds { get; }

    public TimeSpan Budget { get; }

    public int Seed { get; }

    public Random Random { get; }

    public int Rounds { get; private set; }

    /// <summary>Rounds whose kill cut the work short (what the drill is about).</summary>
    public int Interrupted { get; private set; }

    /// <summary>Rounds whose kill missed the work: it had not begun yet, or had already ended.</summary>
    public int Missed { get; private set; }

    /// <summary>True while another round fits.</summary>
    public bool Next()
    {
        _roundStarted = _elapsed.Elapsed;
        return Rounds < MaxRounds && _elapsed.Elapsed < Budget;
    }

    /// <summary>A kill moment: a random delay in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public TimeSpan Moment(TimeSpan from, TimeSpan to) =>
        from + TimeSpan.FromMilliseconds(Random.NextDouble() * (to - from).TotalMilliseconds);

    public void Record(bool interrupted, string detail)
    {
        Rounds++;
        if (interrupted)
        {
            Interrupted++;
        }
        else
        {
            Missed++;
        }

        _output.WriteLine($"{_drill} round {Rounds} ({(_elapsed.Elapsed - _roundStarted).TotalSeconds:0.0} s): " +
            $"{(interrupted ? "killed mid-work" : "the kill missed the work")} ({detail})");
    }

    /// <summary>Fails unless at least <paramref name="minimum"/> kills landed mid-work; logs the tally either way.</summary>
    public void AssertKillsLandedMidWork(int minimum)
    {
        _output.WriteLine($"{_drill}: {Rounds} rounds in {_elapsed.Elapsed.TotalSeconds:0} s, {Interrupted} killed mid-work, {Missed} missed it (seed {Seed})");
        Assert.True(Interrupted >= minimum,
            $"{_drill} (seed {Seed}): only {Interrupted} of {Rounds} kills landed mid-work (need {minimum}): the drill did not test what it claims");
    }
}
