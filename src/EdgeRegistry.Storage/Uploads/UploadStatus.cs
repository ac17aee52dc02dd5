namespace EdgeRegistry.Storage.Uploads;

/// <summary>Where an upload session stands: its id and how many bytes it holds.</summary>
public readonly record struct UploadStatus(string Id, long Length, DateTimeOffset StartedAt);
