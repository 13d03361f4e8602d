using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>Maps <c>meta.cloud</c> (or, failing that, the agent-set <c>customIdentifier</c>) to <see cref="CloudInfo"/>.</summary>
internal static class CloudMapping
{
    public static CloudInfo? From(string? provider, string? instanceType, string? vmSize, string? customIdentifier)
    {
        if (!string.IsNullOrEmpty(provider))
        {
            var mapped = Map(provider);
            var type = mapped == CloudProvider.Azure ? vmSize ?? instanceType : instanceType ?? vmSize;
            return new CloudInfo(mapped, provider, string.IsNullOrEmpty(type) ? null : type, "meta.cloud.provider");
        }

        if (customIdentifier is not null)
        {
            // mackerel-agent sets these suffixes itself on each cloud (spec/cloud.go SuggestCustomIdentifier).
            if (customIdentifier.EndsWith(".ec2.amazonaws.com", StringComparison.OrdinalIgnoreCase))
            {
                return new CloudInfo(CloudProvider.Aws, "ec2", null, "customIdentifier");
            }

            if (customIdentifier.EndsWith(".gce.cloud.google.com", StringComparison.OrdinalIgnoreCase))
            {
                return new CloudInfo(CloudProvider.Gcp, "gce", null, "customIdentifier");
            }

            if (customIdentifier.EndsWith(".virtual_machine.azure.microsoft.com", StringComparison.OrdinalIgnoreCase))
            {
                return new CloudInfo(CloudProvider.Azure, "AzureVM", null, "customIdentifier");
            }
        }

        return null;
    }

    /// <summary>
    /// Only providers whose hardware the cloud vendor owns map to a provider. <c>ecs-anywhere</c> and
    /// <c>kubernetes</c> (mackerel-container-agent) run on machines the customer owns, or we cannot tell: None.
    /// </summary>
    public static CloudProvider Map(string provider)
    {
        if (provider.Equals("ec2", StringComparison.OrdinalIgnoreCase)
            || provider.Equals("ecs", StringComparison.OrdinalIgnoreCase)
            || provider.Equals("fargate", StringComparison.OrdinalIgnoreCase)
            || provider.Equals("ecs-managed", StringComparison.OrdinalIgnoreCase))
        {
            return CloudProvider.Aws;
        }

        if (provider.Equals("gce", StringComparison.OrdinalIgnoreCase))
        {
            return CloudProvider.Gcp;
        }

        return provider.Equals("AzureVM", StringComparison.OrdinalIgnoreCase) ? CloudProvider.Azure : CloudProvider.None;
    }
}
