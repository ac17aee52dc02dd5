namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>TLS for a Distribution upstream, and how it authenticates: htpasswd (Basic) or a token service (Bearer).</summary>
internal sealed record DistributionSecurity(string CertificateFile, string KeyFile)
{
    public string? HtpasswdFile { get; init; }

    /// <summary>Token auth: the realm URL, service name, issuer and the PEM the tokens' signing certificate chains to.</summary>
    public (string Realm, string Service, string Issuer, string RootCertificateBundle)? Token { get; init; }

    /// <summary>Appended under the config's <c>http:</c> block (TLS) and at the top level (auth).</summary>
    public string Yaml =>
        $"""
          tls:
            certificate: {CertificateFile}
            key: {KeyFile}
        auth:

        """ + (HtpasswdFile is not null
            ? $"""
                htpasswd:
                  realm: edgereg-test
                  path: {HtpasswdFile}

              """
            : $"""
                token:
                  realm: {Token!.Value.Realm}
                  service: {Token.Value.Service}
                  issuer: {Token.Value.Issuer}
                  rootcertbundle: {Token.Value.RootCertificateBundle}

              """);
}
