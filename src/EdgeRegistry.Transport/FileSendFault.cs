using System.Net.Sockets;

namespace EdgeRegistry.Transport;

/// <summary>
/// A test seam, kept out of the shipped options: stands in for a file system whose files sendfile refuses. Given
/// the file offset of a piece, it answers the error to fail that piece with before any byte is sent, or
/// <see cref="SocketError.Success"/> for no fault. Only the internal <see cref="TcpTransportFactory"/> constructor
/// takes one; the host uses the public constructor, so production connections never carry a fault.
/// </summary>
internal delegate SocketError FileSendFault(long position);
