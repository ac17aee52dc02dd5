using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using M = EdgeRegistry.Storage.Testing.Support.Manifests;

namespace EdgeRegistry.Storage.Tests.Referrers;

public sealed class ReferrerTests : IDisposable
{
    private const string RepoName = "edge/referrers";
    private const string SbomType = "application/vnd.example.sbom.v1";
    private const string SignatureConfigType = "application/vnd.example.signature.config.v1+json";
    private static readonly RepositoryName Repo = RepositoryName.Parse(RepoName);
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private async Task<(ImageBuilder.PushedImage Subject, Digest Sbom, Digest Signature)> PushSubjectWithReferrersAsync()
    {
        var subject = await ImageBuilder.PushOciAsync(_f, RepoName, "v1", 1);
        string subjectDescriptor = M.Descriptor(ManifestMediaTypes.OciManifest, subject.Digest, subject.Manifest.Length);
        byte[] sbomLayer = Encoding.UTF8.GetBytes("{\"sbom\":true}");
        var sbomLayerDigest = (await _f.PutBlobAsync(RepoName, sbomLayer)).Digest;

        // An artifact with artifactType and the empty config, which the client never uploaded.
        var empty = TestContent.Sha256("{}"u8.ToArray());
        byte[] sbom = M.OciManifest(empty, 2, [(sbomLayerDigest, sbomLayer.Length)], configType: ManifestMediaTypes.OciEmptyConfig,
            artifactType: SbomType, subject: subjectDescriptor, annotations: "{\"org.example.kind\":\"sbom\"}");
        // An image-style artifact without artifactType: its config media type stands in.
        byte[] signatureConfig = Encoding.UTF8.GetBytes("{\"sig\":1}");
        var signatureConfigDigest = (await _f.PutBlobAsync(RepoName, signatureConfig)).Digest;
        byte[] signature = M.OciManifest(signatureConfigDigest, signatureConfig.Length, [], configType: SignatureConfigType,
            subject: subjectDescriptor);

        var sbomResult = await _f.Store.PutManifestAsync(Repo, TestContent.Sha256(sbom).ToString(), ManifestMediaTypes.OciManifest, sbom, CancellationToken.None);
        var signatureResult = await _f.Store.PutManifestAsync(Repo, TestContent.Sha256(signature).ToString(), ManifestMediaTypes.OciManifest, signature, CancellationToken.None);
        Assert.Equal(subject.Digest, sbomResult.Subject);
        Assert.Equal(subject.Digest, signatureResult.Subject);
        return (subject, sbomResult.Digest, signatureResult.Digest);
    }

    [Fact]
    public async Task GetReferrers_NoFilter_BothWithArtifactTypeOrConfigMediaType()
    {
        var (subject, sbom, signature) = await PushSubjectWithReferrersAsync();

        var referrers = _f.Store.GetReferrers(Repo, subject.Digest, null);

        Assert.Equal(2, referrers.Count);
        var sbomEntry = Assert.Single(referrers, r => r.Digest == sbom);
        Assert.Equal(SbomType, sbomEntry.ArtifactType);
        Assert.Equal(ManifestMediaTypes.OciManifest, sbomEntry.MediaType);
        Assert.Equal("sbom", sbomEntry.Annotations!["org.example.kind"]);
        Assert.Equal(_f.Store.GetManifest(Repo, sbom.ToString())!.Size, sbomEntry.Size);
        var signatureEntry = Assert.Single(referrers, r => r.Digest == signature);
        Assert.Equal(SignatureConfigType, signatureEntry.ArtifactType);
    }

    [Fact]
    public async Task GetReferrers_ArtifactTypeFilter_OnlyMatchingReferrers()
    {
        var (subject, sbom, signature) = await PushSubjectWithReferrersAsync();

        Assert.Equal([sbom], _f.Store.GetReferrers(Repo, subject.Digest, SbomType).Select(r => r.Digest));
        Assert.Equal([signature], _f.Store.GetReferrers(Repo, subject.Digest, SignatureConfigType).Select(r => r.Digest));
        Assert.Empty(_f.Store.GetReferrers(Repo, subject.Digest, "application/vnd.none"));
    }

    [Fact]
    public async Task GetReferrers_ReferrerDeleted_NoLongerListed()
    {
        var (subject, sbom, signature) = await PushSubjectWithReferrersAsync();

        Assert.True(_f.Store.DeleteManifest(Repo, sbom.ToString()));

        Assert.Equal([signature], _f.Store.GetReferrers(Repo, subject.Digest, null).Select(r => r.Digest));
        Assert.Equal([signature], _f.Reopen().GetReferrers(Repo, subject.Digest, null).Select(r => r.Digest));
    }

    [Fact]
    public async Task GetReferrers_SubjectWithoutReferrersOrOtherRepository_Empty()
    {
        var (subject, _, _) = await PushSubjectWithReferrersAsync();
        Assert.Empty(_f.Store.GetReferrers(Repo, TestContent.Sha256([1]), null));
        Assert.Empty(_f.Store.GetReferrers(RepositoryName.Parse("other/repo"), subject.Digest, null));
    }
}
