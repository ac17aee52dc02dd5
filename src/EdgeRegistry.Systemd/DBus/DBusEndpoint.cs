using System.Net.Sockets;

namespace EdgeRegistry.Systemd.DBus;

/// <summary>One connectable entry of a bus address, with the text used to name it in error messages.</summary>
public sealed record DBusEndpoint(string Description, UnixDomainSocketEndPoint EndPoint);
