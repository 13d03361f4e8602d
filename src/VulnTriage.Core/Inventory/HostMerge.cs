using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Identification;

namespace VulnTriage.Core.Inventory;

/// <summary>A host as one inventory describes it, with the facts that inventory carries (probe output, Mackerel metadata).</summary>
/// <param name="Host">The host.</param>
/// <param name="Facts">Facts from the same inventory, or <c>null</c>.</param>
public sealed record HostRecord(Host Host, HostFacts? Facts);

/// <summary>The hosts of one inventory, for <see cref="HostMerge.Merge"/>.</summary>
/// <param name="Name">The inventory as the user named it, e.g. <c>mackerel:hosts.json</c>.</param>
/// <param name="Hosts">Its hosts in order.</param>
public sealed record InventoryHosts(string Name, IReadOnlyList<HostRecord> Hosts);

/// <summary>The merged fleet and what the merge had to say (conflicts, identities it would not join).</summary>
/// <param name="Hosts">One record per machine, in the order each was first seen.</param>
/// <param name="Diagnostics">Warnings, one per conflict or refused join, naming the host.</param>
public sealed record HostMergeResult(ImmutableArray<HostRecord> Hosts, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Merges several inventories into one fleet by host identity. Pure.
/// </summary>
/// <remarks>
/// <para>
/// A host of a later inventory joins an earlier host when they share an identity: first an instance id or SMBIOS UUID,
/// else a Mackerel custom identifier, else a host name (case-insensitive, any alias the inventory gives, such as
/// Ansible's FQDN). A join is refused — the hosts stay apart, with a warning — when the identity matches more than
/// one host, when both carry different instance ids or custom identifiers, or when the other host already took a
/// record of the same inventory. Hosts of the first inventory are never joined with each other.
/// </para>
/// <para>
/// Facts are never silently overwritten. Where inventories agree, their facts are combined (one gives the brand string,
/// another the CPUID signature). Where they disagree, a warning names both values and their sources and the safe reading
/// is kept: both processors (so the verdict considers each), no cloud when providers differ (the host is judged on its
/// hardware), not retired when one source still reports it active, every firmware version (the worse verdict wins).
/// </para>
/// </remarks>
public static class HostMerge
{
    /// <summary>Two inventories disagree about a fact of one host (Warning).</summary>
    public const string ConflictCode = "VT1301";

    /// <summary>An identity matched but the hosts were kept apart (ambiguous, contradicting ids, or a second record of one inventory) (Warning).</summary>
    public const string JoinRefusedCode = "VT1302";

    /// <summary>Merges <paramref name="inventories"/> in order. A single inventory comes back unchanged.</summary>
    public static HostMergeResult Merge(IReadOnlyList<InventoryHosts> inventories)
    {
        ArgumentNullException.ThrowIfNull(inventories);
        if (inventories.Count == 1)
        {
            return new HostMergeResult([.. inventories[0].Hosts], []);
        }

        var diagnostics = new List<Diagnostic>();
        var merged = new List<Group>();
        var index = new Dictionary<HostKey, List<int>>();
        for (var s = 0; s < inventories.Count; s++)
        {
            var inventory = inventories[s];
            foreach (var record in inventory.Hosts)
            {
                var source = record.Host.Provenance?.Sources.FirstOrDefault() ?? inventory.Name;
                var keys = KeysOf(record.Host);
                var target = s == 0 ? -1 : FindTarget(record.Host, keys, s, source, merged, index, diagnostics);
                if (target < 0)
                {
                    target = merged.Count;
                    merged.Add(new Group());
                }

                merged[target].Add(record, s, source, keys);
                foreach (var key in keys)
                {
                    if (!index.TryGetValue(key, out var list))
                    {
                        list = [];
                        index.Add(key, list);
                    }

                    if (!list.Contains(target))
                    {
                        list.Add(target);
                    }
                }
            }
        }

        var hosts = ImmutableArray.CreateBuilder<HostRecord>(merged.Count);
        foreach (var group in merged)
        {
            hosts.Add(group.Build(diagnostics));
        }

        return new HostMergeResult(hosts.MoveToImmutable(), [.. diagnostics]);
    }

    /// <summary>Every identity of a host: its name, and the keys its inventory gave.</summary>
    public static ImmutableArray<HostKey> KeysOf(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var keys = new List<HostKey>();
        if (HostKey.TryCreate(HostKeyKind.Name, host.Name) is { } name)
        {
            keys.Add(name);
        }

        if (host.Provenance is { } p && !p.Keys.IsDefault)
        {
            keys.AddRange(p.Keys);
        }

        return [.. keys.Distinct()];
    }

    private static int FindTarget(
        Host host, ImmutableArray<HostKey> keys, int sourceIndex, string source, List<Group> merged, Dictionary<HostKey, List<int>> index, List<Diagnostic> diagnostics)
    {
        foreach (var strength in new[] { 3, 2, 1 })
        {
            var found = keys.Where(k => k.Strength == strength)
                .SelectMany(k => index.TryGetValue(k, out var list) ? list : [])
                .Distinct()
                .ToList();
            if (found.Count == 0)
            {
                continue;
            }

            var via = string.Join(", ", keys.Where(k => k.Strength == strength && index.ContainsKey(k)).Select(k => k.ToString()));
            if (found.Count > 1)
            {
                diagnostics.Add(Refused(source, host, $"{via} matches {found.Count} hosts ({string.Join(", ", found.Select(i => Quote(merged[i].Name)))}); kept as a host of its own"));
                return -1;
            }

            var group = merged[found[0]];
            if (group.HasSource(sourceIndex))
            {
                diagnostics.Add(Refused(source, host, $"{via} matches host {Quote(group.Name)}, which already has a record from this inventory; kept as a host of its own"));
                return -1;
            }

            foreach (var kind in new[] { HostKeyKind.InstanceId, HostKeyKind.CustomIdentifier })
            {
                var mine = keys.Where(k => k.Kind == kind).ToList();
                var theirs = group.Keys.Where(k => k.Kind == kind).ToList();
                if (mine.Count > 0 && theirs.Count > 0 && !mine.Intersect(theirs).Any())
                {
                    diagnostics.Add(Refused(source, host,
                        $"{via} matches host {Quote(group.Name)}, but their {HostKey.KindName(kind)}s differ ({string.Join(", ", mine.Select(k => k.Value))} vs {string.Join(", ", theirs.Select(k => k.Value))}); kept as a host of its own"));
                    return -1;
                }
            }

            return found[0];
        }

        return -1;
    }

    private static Diagnostic Refused(string source, Host host, string message) =>
        new(JoinRefusedCode, DiagnosticSeverity.Warning, new SourceLocation(source), $"host {Quote(host.Name)}: {message}");

    private static Diagnostic Conflict(string source, string hostName, string message) =>
        new(ConflictCode, DiagnosticSeverity.Warning, new SourceLocation(source), $"host {Quote(hostName)}: {message}");

    private static string Quote(string? text) => "'" + text + "'";

    /// <summary>The records of one machine, in inventory order.</summary>
    private sealed class Group
    {
        private readonly List<(HostRecord Record, int SourceIndex, string Source)> _records = [];
        private readonly List<HostKey> _keys = [];

        public string Name => _records[0].Record.Host.Name;

        public IReadOnlyList<HostKey> Keys => _keys;

        public bool HasSource(int sourceIndex) => _records.Any(r => r.SourceIndex == sourceIndex);

        public void Add(HostRecord record, int sourceIndex, string source, ImmutableArray<HostKey> keys)
        {
            _records.Add((record, sourceIndex, source));
            foreach (var key in keys)
            {
                if (!_keys.Contains(key))
                {
                    _keys.Add(key);
                }
            }
        }

        public HostRecord Build(List<Diagnostic> diagnostics)
        {
            if (_records.Count == 1)
            {
                return _records[0].Record;
            }

            var first = _records[0].Record.Host;
            var hosts = _records.Select(r => (r.Record.Host, r.Source)).ToList();
            var (status, retired) = MergeStatus(hosts, diagnostics);
            var processors = MergeProcessors(hosts, diagnostics);
            var labels = HostLabel.Sort(hosts.SelectMany(h => h.Host.Labels.IsDefault ? [] : h.Host.Labels));
            var roles = hosts.SelectMany(h => h.Host.Roles.IsDefault ? [] : h.Host.Roles).Distinct()
                .OrderBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Role, StringComparer.Ordinal).ToImmutableArray();
            var sources = hosts.SelectMany(h => h.Host.Provenance is { Sources.IsDefaultOrEmpty: false } p ? p.Sources : [h.Source]).Distinct(StringComparer.Ordinal);
            var note = processors.IsEmpty
                ? string.Join("; ", hosts.Select(h => h.Host.CpuFactsNote).OfType<string>().Distinct(StringComparer.Ordinal)) is { Length: > 0 } n ? n : null
                : null;
            var host = new Host(
                first.Id,
                first.Name,
                hosts.Select(h => h.Host.DisplayName).FirstOrDefault(d => !string.IsNullOrEmpty(d)),
                status,
                retired,
                roles,
                MergeCloud(hosts, diagnostics),
                processors,
                hosts.Select(h => h.Host.OsName).FirstOrDefault(o => !string.IsNullOrEmpty(o)),
                note,
                labels,
                new HostProvenance([.. sources], [.. _keys]));
            return new HostRecord(host, MergeFacts(first.Name, _records.Select(r => (r.Record.Facts, r.Source)).ToList(), diagnostics));
        }

        private static (HostStatus Status, bool Retired) MergeStatus(List<(Host Host, string Source)> hosts, List<Diagnostic> diagnostics)
        {
            // A source that knows no status (osquery, Ansible, a probe) makes no claim either way.
            var retired = hosts.Where(h => h.Host.IsRetired).ToList();
            var active = hosts.Where(h => !h.Host.IsRetired && h.Host.Status != HostStatus.Unknown).ToList();
            var status = hosts.Select(h => h.Host.Status).FirstOrDefault(s => s != HostStatus.Unknown);
            if (retired.Count > 0 && active.Count > 0)
            {
                diagnostics.Add(Conflict(retired[0].Source, hosts[0].Host.Name,
                    $"retired in {retired[0].Source} but {active[0].Host.Status.ToString().ToLowerInvariant()} in {active[0].Source}; triaged as a live host"));
                return (active[0].Host.Status, false);
            }

            return (status, retired.Count > 0);
        }

        private static ImmutableArray<ProcessorFact> MergeProcessors(List<(Host Host, string Source)> hosts, List<Diagnostic> diagnostics)
        {
            var result = new List<ProcessorFact>();
            var contributed = false;
            foreach (var (host, source) in hosts)
            {
                if (host.Processors.IsDefaultOrEmpty)
                {
                    continue;
                }

                var qualified = host.Processors.Select(p => Qualify(p, source)).ToList();
                if (!contributed)
                {
                    result.AddRange(qualified);
                    contributed = true;
                    continue;
                }

                foreach (var p in qualified)
                {
                    var match = result.FindIndex(e => Compatible(e, p));
                    if (match >= 0)
                    {
                        result[match] = Combine(result[match], p);
                        continue;
                    }

                    diagnostics.Add(Conflict(source, hosts[0].Host.Name,
                        $"processor {Describe(p)} ({p.Source}) differs from {string.Join(" and ", result.Select(e => $"{Describe(e)} ({e.Source})"))}; both are kept and the verdict considers each"));
                    result.Add(p);
                }
            }

            return [.. result];
        }

        private static ProcessorFact Qualify(ProcessorFact p, string source) => p with
        {
            // Mackerel's reader names only the field; once several inventories meet, say which one it was.
            Source = p.Source == ProcessorFact.MackerelSource ? $"{p.Source} ({source})" : p.Source,
            SignatureSource = p.SignatureSource == ProcessorFact.MackerelSignatureSource ? $"{p.SignatureSource} ({source})" : p.SignatureSource,
        };

        private static string Describe(ProcessorFact p)
        {
            var parts = new List<string>();
            if (p.BrandString is { } brand)
            {
                parts.Add("'" + BrandStrings.Normalize(brand) + "'");
            }

            if (p.Signature is { } sig)
            {
                parts.Add(sig.ToString());
            }

            if (parts.Count == 0 && p.VendorId is { } vendor)
            {
                parts.Add(vendor);
            }

            return string.Join(" ", parts);
        }

        /// <summary>Whether two inventories' processor facts can describe the same part.</summary>
        internal static bool Compatible(ProcessorFact a, ProcessorFact b)
        {
            if (a.VendorId is { } va && b.VendorId is { } vb && !string.Equals(va.Trim(), vb.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (a.Signature is { } sa && b.Signature is { } sb
                && (sa.Family != sb.Family || sa.Model != sb.Model || (sa.Stepping is { } x && sb.Stepping is { } y && x != y)))
            {
                return false;
            }

            if (a.BrandString is null || b.BrandString is null)
            {
                // One side names no part: it adds a vendor or a signature, and contradicts nothing checked above.
                return a.BrandString is not null || b.BrandString is not null || a.Signature is not null || b.Signature is not null || a.VendorId is not null;
            }

            if (string.Equals(BrandStrings.Normalize(a.BrandString), BrandStrings.Normalize(b.BrandString), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            // Different spellings of one part (a CMDB's "Xeon E3-1240 v6" and the CPUID brand string) identify the same model.
            var ia = CpuIdentifier.Identify(a.VendorId ?? b.VendorId, a.BrandString, a.Signature ?? b.Signature);
            var ib = CpuIdentifier.Identify(b.VendorId ?? a.VendorId, b.BrandString, b.Signature ?? a.Signature);
            return ia.ModelNumber is { } ma && ib.ModelNumber is { } mb && ia.Vendor == ib.Vendor && ia.Vendor != CpuVendor.Unknown
                && string.Equals(ma, mb, StringComparison.OrdinalIgnoreCase);
        }

        private static ProcessorFact Combine(ProcessorFact a, ProcessorFact b)
        {
            var brandFromA = a.BrandString is not null || b.BrandString is null;
            var signatureFromA = a.Signature is not null || b.Signature is null;
            return new ProcessorFact(
                a.VendorId ?? b.VendorId,
                brandFromA ? a.BrandString : b.BrandString,
                signatureFromA ? a.Signature : b.Signature,
                Math.Max(a.LogicalCpus, b.LogicalCpus),
                Math.Max(a.Sockets, b.Sockets),
                brandFromA ? a.Source : b.Source,
                signatureFromA ? a.SignatureSource : b.SignatureSource);
        }

        private static CloudInfo? MergeCloud(List<(Host Host, string Source)> hosts, List<Diagnostic> diagnostics)
        {
            var clouds = hosts.Where(h => h.Host.Cloud is not null).Select(h => (Cloud: h.Host.Cloud!, h.Source)).ToList();
            if (clouds.Count == 0)
            {
                return null;
            }

            var claims = clouds.Where(c => c.Cloud.Provider != CloudProvider.None).ToList();
            if (claims.Count == 0)
            {
                return Qualify(clouds[0].Cloud, clouds[0].Source);
            }

            var providers = claims.Select(c => c.Cloud.Provider).Distinct().ToList();
            if (providers.Count > 1)
            {
                diagnostics.Add(Conflict(claims[1].Source, hosts[0].Host.Name,
                    $"cloud provider {string.Join(" vs ", claims.Select(c => $"{c.Cloud.RawProvider} ({c.Source})"))}; neither is used and the host is judged on its hardware"));
                return null;
            }

            var chosen = Qualify(claims[0].Cloud, claims[0].Source);
            var type = claims.Select(c => c.Cloud.InstanceType).FirstOrDefault(t => !string.IsNullOrEmpty(t));
            return chosen with { InstanceType = chosen.InstanceType ?? type };
        }

        private static CloudInfo Qualify(CloudInfo cloud, string source) =>
            cloud.Evidence.Contains(source, StringComparison.Ordinal) ? cloud : cloud with { Evidence = $"{cloud.Evidence} ({source})" };

        private static HostFacts? MergeFacts(string hostName, List<(HostFacts? Facts, string Source)> records, List<Diagnostic> diagnostics)
        {
            var facts = records.Where(r => r.Facts is not null).Select(r => (Facts: r.Facts!, r.Source)).ToList();
            if (facts.Count <= 1)
            {
                return facts.Count == 0 ? null : facts[0].Facts;
            }

            var firmware = new List<FirmwareFact>();
            foreach (var (f, source) in facts)
            {
                foreach (var fact in f.Firmware.IsDefault ? [] : f.Firmware)
                {
                    if (firmware.Any(x => x.Kind == fact.Kind && x.Version == fact.Version && x.Amt == fact.Amt))
                    {
                        continue;
                    }

                    var other = firmware.FirstOrDefault(x => x.Kind == fact.Kind);
                    if (other is not null)
                    {
                        diagnostics.Add(Conflict(source, hostName, string.Create(CultureInfo.InvariantCulture,
                            $"{fact.Kind.ToString().ToLowerInvariant()} firmware {other.Display} ({other.Source}) vs {fact.Display} ({fact.Source}); both are kept and the worse verdict wins")));
                    }

                    firmware.Add(fact);
                }
            }

            // `with` keeps whatever else the first inventory's facts carry.
            return facts[0].Facts with
            {
                Firmware = [.. firmware],
                Source = string.Join(" + ", facts.Select(f => f.Facts.Source).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)),
                Notes = [.. facts.SelectMany(f => f.Facts.Notes.IsDefault ? [] : f.Facts.Notes).Distinct(StringComparer.Ordinal)],
                Platform = facts.Select(f => f.Facts.Platform).FirstOrDefault(p => p is not null),
            };
        }
    }
}
