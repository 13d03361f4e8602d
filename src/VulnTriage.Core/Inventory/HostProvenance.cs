using System.Collections.Immutable;
using System.Globalization;

namespace VulnTriage.Core.Inventory;

/// <summary>
/// A label for team routing: a key and one value, with the inventory that gave it (e.g. osquery decoration
/// <c>team=payments</c>, Ansible group <c>group=web</c>, CSV column <c>team</c>). A host may carry several values of one key.
/// </summary>
/// <param name="Key">Label key, compared case-insensitively; never empty.</param>
/// <param name="Value">Label value, compared exactly; never empty.</param>
/// <param name="Source">Where it came from, e.g. <c>osquery:results.log decorations</c>.</param>
public sealed record HostLabel(string Key, string Value, string Source)
{
    /// <summary><c>key=value</c>.</summary>
    public override string ToString() => Key + "=" + Value;

    /// <summary>Orders labels by key (ordinal, case-insensitive), then value (ordinal).</summary>
    public static ImmutableArray<HostLabel> Sort(IEnumerable<HostLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return [.. labels
            .DistinctBy(l => (l.Key.ToUpperInvariant(), l.Value))
            .OrderBy(l => l.Key, StringComparer.OrdinalIgnoreCase)
            .ThenBy(l => l.Value, StringComparer.Ordinal)];
    }
}

/// <summary>Kinds of identity an inventory can give for a host, strongest first in <see cref="HostKey.Strength"/>.</summary>
public enum HostKeyKind
{
    /// <summary>A host name (Mackerel <c>name</c>, osquery <c>hostIdentifier</c>/<c>hostname</c>, Ansible inventory name or FQDN).</summary>
    Name,

    /// <summary>Mackerel's <c>customIdentifier</c> (set by the agent on EC2, GCE and Azure, or by hand).</summary>
    CustomIdentifier,

    /// <summary>A cloud instance id: EC2 <c>i-…</c>, a GCE instance id, an Azure <c>vmId</c>.</summary>
    InstanceId,

    /// <summary>The SMBIOS system UUID (osquery <c>system_info.uuid</c>, Ansible <c>ansible_product_uuid</c>).</summary>
    MachineUuid,
}

/// <summary>
/// One identity of a host, normalised so that two inventories naming the same machine produce equal keys:
/// names lower-case without a trailing dot, UUIDs lower-case. Values that identify nothing (empty, <c>localhost</c>,
/// <c>NA</c>, all-zero or placeholder SMBIOS UUIDs) are refused by <see cref="TryCreate"/>.
/// </summary>
/// <param name="Kind">Which identity.</param>
/// <param name="Value">The normalised value.</param>
public sealed record HostKey(HostKeyKind Kind, string Value)
{
    // SMBIOS UUIDs firmware vendors ship unset or as a placeholder (fwupd, dmidecode and systemd all special-case these).
    private static readonly HashSet<string> PlaceholderUuids = new(StringComparer.Ordinal)
    {
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",
        "00020003-0004-0005-0006-000700080009",
    };

    private static readonly HashSet<string> MeaninglessNames = new(StringComparer.Ordinal)
    {
        "localhost", "localhost.localdomain", "localhost6", "localhost6.localdomain6", "na", "n/a", "none", "unknown", "-1", "0",
    };

    /// <summary>How strongly a match on this kind identifies one machine: instance id and UUID above custom identifier above name.</summary>
    public int Strength => Kind switch
    {
        HostKeyKind.InstanceId => 3,
        HostKeyKind.MachineUuid => 3,
        HostKeyKind.CustomIdentifier => 2,
        _ => 1,
    };

    /// <summary><c>kind:value</c>, e.g. <c>instance-id:i-0a1b2c3d4e5f67890</c>.</summary>
    public override string ToString() => KindName(Kind) + ":" + Value;

    /// <summary>Wire name of a key kind: <c>name</c>, <c>custom-identifier</c>, <c>instance-id</c>, <c>uuid</c>.</summary>
    public static string KindName(HostKeyKind kind) => kind switch
    {
        HostKeyKind.Name => "name",
        HostKeyKind.CustomIdentifier => "custom-identifier",
        HostKeyKind.InstanceId => "instance-id",
        HostKeyKind.MachineUuid => "uuid",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>Normalises <paramref name="raw"/>; <c>null</c> when it is empty or identifies nothing.</summary>
    public static HostKey? TryCreate(HostKeyKind kind, string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var value = raw.Trim();
        switch (kind)
        {
            case HostKeyKind.Name:
                value = value.TrimEnd('.').ToLowerInvariant();
                return value.Length == 0 || MeaninglessNames.Contains(value) ? null : new HostKey(kind, value);
            case HostKeyKind.MachineUuid:
                value = value.ToLowerInvariant();
                return !Guid.TryParse(value, CultureInfo.InvariantCulture, out _) || PlaceholderUuids.Contains(value) ? null : new HostKey(kind, value);
            case HostKeyKind.InstanceId:
                // EC2 ids are lower-case hex, GCE ids decimal; Azure vmIds are GUIDs that IMDS and the agent may case differently.
                value = value.ToLowerInvariant();
                return MeaninglessNames.Contains(value) ? null : new HostKey(kind, value);
            case HostKeyKind.CustomIdentifier:
                return MeaninglessNames.Contains(value.ToLowerInvariant()) ? null : new HostKey(kind, value);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    /// <summary>
    /// The keys Mackerel's agent-set <c>customIdentifier</c> implies: itself, and the instance id it embeds
    /// (<c>i-….ec2.amazonaws.com</c>, <c>&lt;id&gt;.gce.cloud.google.com</c>, <c>&lt;vmId&gt;.virtual_machine.azure.microsoft.com</c>).
    /// </summary>
    public static IEnumerable<HostKey> FromCustomIdentifier(string? customIdentifier)
    {
        if (TryCreate(HostKeyKind.CustomIdentifier, customIdentifier) is not { } key)
        {
            yield break;
        }

        yield return key;
        foreach (var suffix in new[] { ".ec2.amazonaws.com", ".gce.cloud.google.com", ".virtual_machine.azure.microsoft.com" })
        {
            if (key.Value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && key.Value.Length > suffix.Length
                && TryCreate(HostKeyKind.InstanceId, key.Value[..^suffix.Length]) is { } instance)
            {
                yield return instance;
            }
        }
    }
}

/// <summary>Which inventories described a host, and the identities they gave.</summary>
/// <param name="Sources">Each inventory record the host was built from, e.g. <c>mackerel:hosts.json</c>, <c>csv:cmdb.csv:12</c>, in merge order.</param>
/// <param name="Keys">Identities beyond the host name (custom identifier, instance id, SMBIOS UUID) and alias names.</param>
public sealed record HostProvenance(ImmutableArray<string> Sources, ImmutableArray<HostKey> Keys)
{
    /// <summary>A provenance with one source and the given keys (nulls skipped, duplicates removed).</summary>
    public static HostProvenance Of(string source, IEnumerable<HostKey?> keys)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keys);
        return new HostProvenance([source], [.. keys.OfType<HostKey>().Distinct()]);
    }
}
