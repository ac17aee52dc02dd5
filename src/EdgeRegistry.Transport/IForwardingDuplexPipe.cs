using System.IO.Pipelines;

namespace EdgeRegistry.Transport;

/// <summary>
/// A connection middleware's wrapper of the transport that forwards every byte of a response unchanged to
/// <see cref="Inner"/> while the application writes it. File sends stay possible through such a wrapper (the
/// bytes the transport swallows in place of the file still reach it), unlike through TLS.
/// </summary>
public interface IForwardingDuplexPipe : IDuplexPipe
{
    IDuplexPipe Inner { get; }
}
