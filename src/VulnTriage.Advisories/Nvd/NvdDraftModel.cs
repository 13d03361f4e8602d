using System.Collections.Immutable;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Advisories.Nvd;

/// <summary>A draft advisory built from one NVD record: the YAML text and what the import noticed.</summary>
/// <param name="Id">The advisory id (the CVE id).</param>
/// <param name="Yaml">The draft in the advisory format (docs/advisory-format.md), <c>status: draft</c>.</param>
/// <param name="Diagnostics">Warnings: what could not be mapped.</param>
/// <param name="Summary">Counts, for the command's summary line and the benchmark.</param>
public sealed record NvdDraft(string Id, string Yaml, ImmutableArray<Core.Diagnostics.Diagnostic> Diagnostics, NvdDraftSummary Summary);

/// <summary>What a draft holds.</summary>
/// <param name="Configurations">Configurations in the record.</param>
/// <param name="Processors">Distinct processor CPEs the record lists (in configurations that were mapped).</param>
/// <param name="ProcessorsNamed">How many of those a brand string this tool identifies maps back to (a processor NVD names in a way no brand string gives would never match a host).</param>
/// <param name="CpuRules">CPU rules written.</param>
/// <param name="FirmwareRules">Firmware rules written.</param>
/// <param name="Unmapped">Criteria listed under <c>source.unmapped</c>.</param>
public sealed record NvdDraftSummary(int Configurations, int Processors, int ProcessorsNamed, int CpuRules, int FirmwareRules, int Unmapped);

/// <summary>A CPU rule of a draft, before it is written.</summary>
internal sealed record DraftCpuRule(
    string Id,
    LocalizedText Title,
    Condition When,
    ImmutableArray<FirmwareKind> ExpectFirmware,
    LocalizedText Check,
    ExampleHost Match,
    ExampleHost NoMatch,
    string Comment);

/// <summary>A firmware rule of a draft, before it is written.</summary>
internal sealed record DraftFirmwareRule(
    string Id,
    FirmwareKind Kind,
    FirmwareMatch Match,
    Verdict Verdict,
    Condition? When,
    LocalizedText Note,
    FirmwareVersion MatchVersion,
    FirmwareVersion NoMatchVersion,
    ExampleHost? Host,
    string Comment);

/// <summary>An advisory-level example of a draft.</summary>
internal sealed record DraftExample(string Name, ExampleHost? Host, FirmwareKind? Kind, FirmwareVersion? Version, Verdict Expect, Stage Stage, string Clause);
