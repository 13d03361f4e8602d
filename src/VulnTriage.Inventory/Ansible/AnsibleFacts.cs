using System.Collections.Immutable;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Json;
using VulnTriage.Inventory.Platform;

namespace VulnTriage.Inventory.Ansible;

/// <summary>
/// Turns one host's Ansible facts into a <see cref="Host"/>. Facts are looked up with and without the <c>ansible_</c>
/// prefix (the setup module and the fact cache write <c>ansible_processor</c>, the <c>ansible_facts</c> variable
/// <c>processor</c>); values wrapped as <c>{"__ansible_unsafe": …}</c> or as 2.19 tagged values are unwrapped, and DMI
/// values Ansible could not read (<c>NA</c>) count as missing.
/// </summary>
internal static class AnsibleFacts
{
    // CPUID vendor ids that /proc/cpuinfo `vendor_id` (Linux) and the CentralProcessor `VendorIdentifier` (Windows) print.
    private static readonly HashSet<string> VendorIds = new(StringComparer.Ordinal)
    {
        "GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls", "Shanghai", "GenuineTMx86", "TransmetaCPU", "CyrixInstead",
        "NexGenDriven", "RiseRiseRise", "SiS SiS SiS", "UMC UMC UMC", "Geode by NSC", "VIA VIA VIA", "Vortex86 SoC",
    };

    /// <summary>
    /// The facts object of a document: the string under <c>__payload__</c> parsed (ansible-core 2.19+ cache), the
    /// <c>ansible_facts</c> object (<c>-m setup</c> result, <c>--tree</c> file), or the document itself (older cache).
    /// </summary>
    /// <param name="root">The document's root.</param>
    /// <param name="inner">A document to dispose when the payload was parsed.</param>
    /// <param name="at">Where the document starts, for a payload error.</param>
    /// <exception cref="InputException">The payload is not a JSON object.</exception>
    public static JsonElement FactsOf(JsonElement root, out JsonDocument? inner, SourceLocation at)
    {
        inner = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InputException(new Diagnostic(DiagnosticCodes.InventoryWrongType, DiagnosticSeverity.Error, at, "Ansible facts must be a JSON object"));
        }

        if (root.TryGetProperty("__payload__", out var payload) && payload.ValueKind == JsonValueKind.String)
        {
            try
            {
                inner = JsonDocument.Parse(payload.GetString()!, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException ex)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.InventoryInvalidJson, DiagnosticSeverity.Error, at,
                    "the __payload__ string is not valid JSON: " + Trim(ex.Message)));
            }

            if (inner.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InputException(new Diagnostic(DiagnosticCodes.InventoryWrongType, DiagnosticSeverity.Error, at, "the __payload__ string is not a JSON object"));
            }

            return inner.RootElement;
        }

        return root.TryGetProperty("ansible_facts", out var facts) && facts.ValueKind == JsonValueKind.Object ? facts : root;
    }

    /// <summary>The host the facts describe.</summary>
    /// <param name="inventoryName">The host's name in the Ansible inventory (file name, setup header, hostvars key).</param>
    /// <param name="facts">The facts object.</param>
    /// <param name="inventory">The inventory they belong to (file or folder), named in the evidence of every fact.</param>
    /// <param name="where">The record they were read from (<c>path</c> or <c>path:line</c>), for the host's provenance.</param>
    /// <param name="labels">Labels for the host (its groups).</param>
    /// <param name="noFactsNote">The note when the facts have no processor (e.g. why gathering failed); <c>null</c> for the default.</param>
    public static Host ToHost(string inventoryName, JsonElement facts, string inventory, string where, ImmutableArray<HostLabel> labels, string? noFactsNote = null)
    {
        var processors = Processors(facts, inventory);
        var vendor = Dmi(facts, "system_vendor");
        var product = Dmi(facts, "product_name");
        var dmi = DmiClassifier.Classify(
            vendor,
            product,
            Dmi(facts, "bios_vendor"),
            Dmi(facts, "bios_version"),
            Dmi(facts, "chassis_asset_tag"),
            "ansible_system_vendor",
            "ansible_product_name",
            "ansible_bios_vendor",
            "ansible_bios_version",
            "ansible_chassis_asset_tag");
        var fqdn = Get(facts, "fqdn");
        var nodename = Get(facts, "nodename");
        var keys = new[]
        {
            HostKey.TryCreate(HostKeyKind.Name, fqdn is not null && fqdn.Contains('.', StringComparison.Ordinal) ? fqdn : null),
            HostKey.TryCreate(HostKeyKind.Name, nodename is not null && nodename.Contains('.', StringComparison.Ordinal) ? nodename : null),
            HostKey.TryCreate(HostKeyKind.MachineUuid, Dmi(facts, "product_uuid")),
        };
        return new Host(
            inventoryName,
            inventoryName,
            null,
            HostStatus.Unknown,
            false,
            [],
            DmiClassifier.ToCloud(dmi, DmiClassifier.Ec2InstanceType(dmi, vendor, product), inventory),
            processors,
            Get(facts, "system"),
            processors.IsEmpty ? noFactsNote ?? "no ansible_processor fact (facts not gathered, or gathered without the hardware subset)" : null,
            labels.IsDefault ? [] : labels,
            HostProvenance.Of(where, keys));
    }

    /// <summary>
    /// Decodes <c>ansible_processor</c>. On Linux and Windows it is a flat list that repeats, per logical CPU, the processor
    /// index, the vendor id and the brand string (<c>"0","GenuineIntel","Intel(R) Xeon(R) …","1",…</c>); ARM and POWER lists
    /// have no vendor id; on macOS it is one string (<c>machdep.cpu.brand_string</c>).
    /// </summary>
    internal static ImmutableArray<ProcessorFact> Processors(JsonElement facts, string inventory)
    {
        var value = Find(facts, "processor");
        if (value is not { } processor)
        {
            return [];
        }

        var source = $"ansible_processor ({inventory})";
        var sockets = Number(Get(facts, "processor_count")) ?? 0;
        if (processor.ValueKind == JsonValueKind.String)
        {
            return JsonFields.Text(processor) is { } single
                ? [new ProcessorFact(null, single, null, Number(Get(facts, "processor_vcpus")) ?? 0, sockets, source, "")]
                : [];
        }

        if (processor.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        // One (vendor, brand) per logical CPU; an index starts the next CPU.
        var cpus = new List<(string? Vendor, string? Brand)>();
        string? vendor = null;
        string? brand = null;
        var started = false;
        foreach (var item in processor.EnumerateArray())
        {
            var text = JsonFields.Text(item);
            if (text is null)
            {
                continue;
            }

            if (text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
            {
                if (started)
                {
                    cpus.Add((vendor, brand));
                }

                started = true;
                vendor = null;
                brand = null;
            }
            else if (VendorIds.Contains(text))
            {
                vendor = text;
            }
            else
            {
                if (brand is not null)
                {
                    // Two brands without an index between them: a list of brands only.
                    cpus.Add((vendor, brand));
                    vendor = null;
                }

                brand = text;
                started = true;
            }
        }

        if (started && (vendor is not null || brand is not null))
        {
            cpus.Add((vendor, brand));
        }

        var facts0 = new List<ProcessorFact>();
        foreach (var group in cpus.Where(c => c.Vendor is not null || c.Brand is not null).GroupBy(c => (c.Vendor, c.Brand)))
        {
            facts0.Add(new ProcessorFact(group.Key.Vendor, group.Key.Brand, null, group.Count(), sockets, source, ""));
        }

        return [.. facts0];
    }

    /// <summary>A fact as text, with or without the <c>ansible_</c> prefix.</summary>
    internal static string? Get(JsonElement facts, string name) => Find(facts, name) is { } v ? JsonFields.Text(v) : null;

    private static JsonElement? Find(JsonElement facts, string name)
    {
        if (facts.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (facts.TryGetProperty("ansible_" + name, out var prefixed) && prefixed.ValueKind != JsonValueKind.Null)
        {
            return JsonFields.Unwrap(prefixed);
        }

        return facts.TryGetProperty(name, out var plain) && plain.ValueKind != JsonValueKind.Null ? JsonFields.Unwrap(plain) : null;
    }

    /// <summary>A DMI fact; Ansible writes <c>NA</c> for what it could not read (non-root, no dmidecode).</summary>
    private static string? Dmi(JsonElement facts, string name) => Get(facts, name) is { } v && v != "NA" ? v : null;

    private static int? Number(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static string Trim(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
