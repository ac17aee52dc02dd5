namespace EdgeRegistry.Mirrors;

/// <summary>Everything render-mirrors writes for a plan, in a fixed order.</summary>
internal static class MirrorRenderer
{
    /// <param name="legacyContentSourcePolicy">
    /// An ImageContentSourcePolicy instead of the ImageDigestMirrorSet and ImageTagMirrorSet, never both: the
    /// Machine Config Operator refuses a cluster that holds ICSPs and IDMS/ITMS together.
    /// </param>
    public static IReadOnlyList<RenderedFile> Render(MirrorPlan plan, bool legacyContentSourcePolicy)
    {
        var files = legacyContentSourcePolicy
            ? new List<RenderedFile> { new("imagecontentsourcepolicy.yaml", MirrorManifests.ContentSourcePolicy(plan), IsClusterObject: true) }
            : new List<RenderedFile>
            {
                new("imagedigestmirrorset.yaml", MirrorManifests.DigestMirrorSet(plan), IsClusterObject: true),
                new("imagetagmirrorset.yaml", MirrorManifests.TagMirrorSet(plan), IsClusterObject: true),
            };

        if (plan.Insecure)
        {
            files.Add(new("image-config-insecure-registries.yaml", MirrorManifests.InsecureRegistries(plan), IsClusterObject: true));
        }

        files.Add(new(RegistriesConf.FileName, RegistriesConf.Render(plan), IsClusterObject: false));
        return files;
    }
}
