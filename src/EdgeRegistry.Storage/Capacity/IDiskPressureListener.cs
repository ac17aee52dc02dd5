namespace EdgeRegistry.Storage.Capacity;

/// <summary>
/// Told when the guard comes near or reaches a limit, and again at most every <see cref="DiskGuard.PressureRepeat"/>
/// while it stays there: the seam through which garbage collection starts early. Called on the thread that noticed
/// (a write or the guard's monitor), outside the guard's lock: a listener must return quickly and start its work elsewhere.
/// </summary>
public interface IDiskPressureListener
{
    void OnDiskPressure(DiskPressure pressure);
}
