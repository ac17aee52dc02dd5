namespace EdgeRegistry.TestSupport;

/// <summary>A clock the test moves by hand, so time-dependent rules are tested without sleeping.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
