using System.Collections.Immutable;
using System.Globalization;
using VulnTriage.Core.Inventory;
using VulnTriage.Core.Matching;
using VulnTriage.Core.Versions;

namespace VulnTriage.Core.Advisories;

/// <summary>Text in the report languages. English is required; Japanese falls back to English when absent.</summary>
public sealed record LocalizedText(string En, string? Ja = null)
{
    /// <summary>The text for <paramref name="lang"/> (<c>en</c> or <c>ja</c>).</summary>
    public string Get(string lang) => lang == "ja" && !string.IsNullOrEmpty(Ja) ? Ja : En;

    /// <summary>Empty text.</summary>
    public static LocalizedText Empty { get; } = new("", "");
}

/// <summary>A set of non-negative integers, kept as sorted inclusive ranges (e.g. steppings 0–4, models 0x4E and 0x5E).</summary>
public sealed record IntSet(ImmutableArray<(int Low, int High)> Ranges)
{
    /// <summary>Whether <paramref name="value"/> is in the set.</summary>
    public bool Contains(int value)
    {
        foreach (var (low, high) in Ranges)
        {
            if (value >= low && value <= high)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A set of single values.</summary>
    public static IntSet Of(params int[] values) => new([.. values.Order().Select(v => (v, v))]);

    /// <summary>Every value, when the set is small enough to list (at most <paramref name="limit"/> values).</summary>
    public IEnumerable<int> Values(int limit = 4096)
    {
        var count = 0;
        foreach (var (low, high) in Ranges)
        {
            for (var v = low; v <= high && count < limit; v++, count++)
            {
                yield return v;
            }
        }
    }

    /// <summary>Parses hexadecimal values, ranges <c>a-b</c> and lists <c>a,b</c> (e.g. <c>30-3F,60</c>).</summary>
    public static bool TryParseHex(string? text, out IntSet? set)
    {
        set = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(','))
        {
            var bounds = part.Trim().Split('-');
            if (bounds.Length is < 1 or > 2)
            {
                return false;
            }

            if (!TryHex(bounds[0], out var low))
            {
                return false;
            }

            var high = low;
            if (bounds.Length == 2 && !TryHex(bounds[1], out high))
            {
                return false;
            }

            if (high < low)
            {
                return false;
            }

            ranges.Add((low, high));
        }

        set = new IntSet([.. ranges.Order()]);
        return true;

        static bool TryHex(string digits, out int value)
        {
            value = 0;
            return digits.Length is > 0 and <= 4 && int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>Upper-case hexadecimal form, each value padded to <paramref name="width"/> digits: <c>4E,5E</c>, <c>0-4</c>.</summary>
    public string ToHexString(int width)
    {
        var format = "X" + width.ToString(CultureInfo.InvariantCulture);
        return string.Join(",", Ranges.Select(r => r.Low == r.High
            ? r.Low.ToString(format, CultureInfo.InvariantCulture)
            : r.Low.ToString(format, CultureInfo.InvariantCulture) + "-" + r.High.ToString(format, CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(",", Ranges.Select(r => r.Low == r.High
            ? r.Low.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Low}-{r.High}")));
}

/// <summary>
/// A CPUID signature condition: family, and optionally model and stepping sets. Written in advisory files in Intel's hex
/// notation, <c>06_55</c>, <c>06_55_4</c>, <c>06_55_0-4</c>, <c>06_8E_9,A</c>, <c>17_30-3F</c>, or as a mapping.
/// </summary>
public sealed record SignatureMatch(int Family, IntSet? Models, IntSet? Steppings)
{
    /// <summary>Three-valued match: <c>null</c> when the condition needs a stepping that is not known.</summary>
    public bool? Matches(CpuSignature signature)
    {
        if (signature.Family != Family || (Models is not null && !Models.Contains(signature.Model)))
        {
            return false;
        }

        if (Steppings is null)
        {
            return true;
        }

        return signature.Stepping is { } s ? Steppings.Contains(s) : null;
    }

    /// <summary>Parses the compact notation <c>FF_MM[_S]</c> (hex; MM and S may be ranges <c>a-b</c> and lists <c>a,b</c>).</summary>
    public static bool TryParse(string? text, out SignatureMatch? match)
    {
        match = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 256)
        {
            return false;
        }

        var parts = text.Trim().Split('_');
        if (parts.Length is < 1 or > 3 || !int.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var family) || parts[0].Length is 0 or > 3)
        {
            return false;
        }

        IntSet? models = null, steppings = null;
        if (parts.Length >= 2 && !IntSet.TryParseHex(parts[1], out models))
        {
            return false;
        }

        if (parts.Length == 3 && !IntSet.TryParseHex(parts[2], out steppings))
        {
            return false;
        }

        match = new SignatureMatch(family, models, steppings);
        return true;
    }

    /// <summary>Intel's notation: <c>06_55_0-4</c>.</summary>
    public override string ToString()
    {
        var text = Family.ToString("X2", CultureInfo.InvariantCulture);
        if (Models is not null)
        {
            text += "_" + Models.ToHexString(2);
        }

        if (Steppings is not null)
        {
            text += (Models is null ? "_*" : "") + "_" + Steppings.ToHexString(1);
        }

        return text;
    }
}

/// <summary>Conditions on a firmware version; every condition given must hold.</summary>
public sealed record FirmwareMatch(IntSet? Major, IntSet? Minor, IntSet? Hotfix, FirmwareVersion? AtLeast, FirmwareVersion? Below)
{
    /// <summary>
    /// A set on the fourth field, the build number, or <c>null</c> for any. INTEL-SA-00075's fixed ME builds are told
    /// apart by it, not by one version per branch: Intel's discovery tool treats a build of 3000 or more on the 6.x–11.6
    /// branches as patched (OEM builds such as 11.0.18.3003 included).
    /// </summary>
    public IntSet? Build { get; init; }

    /// <summary>Whether <paramref name="v"/> satisfies every condition.</summary>
    public bool Matches(FirmwareVersion v) =>
        (Major is null || Major.Contains(v.Major))
        && (Minor is null || Minor.Contains(v.Minor))
        && (Hotfix is null || Hotfix.Contains(v.Hotfix))
        && (Build is null || Build.Contains(v.Build))
        && (AtLeast is not { } low || v >= low)
        && (Below is not { } high || v < high);

    /// <summary>The condition in words, for evidence: <c>major 11, minor 0,5,6</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Major is not null)
        {
            parts.Add($"major {Major}");
        }

        if (Minor is not null)
        {
            parts.Add($"minor {Minor}");
        }

        if (Hotfix is not null)
        {
            parts.Add($"hotfix {Hotfix}");
        }

        if (Build is not null)
        {
            parts.Add($"build {Build}");
        }

        if (AtLeast is { } a)
        {
            parts.Add($">= {a}");
        }

        if (Below is { } b)
        {
            parts.Add($"< {b}");
        }

        return parts.Count == 0 ? "any version" : string.Join(", ", parts);
    }
}

/// <summary>Whether a firmware rule depends on the firmware being a corporate (AMT) image.</summary>
public enum AmtCondition
{
    /// <summary>The rule applies whatever the SKU.</summary>
    Any,

    /// <summary>The rule applies only to corporate/AMT firmware; consumer firmware is not affected.</summary>
    Required,
}

/// <summary>What a CPU rule says about the processors its condition holds for.</summary>
public enum CpuRuleScope
{
    /// <summary>The advisory lists these processors: the host is a candidate (<c>needs_confirmation</c>) until a later stage decides.</summary>
    Listed,

    /// <summary>Not listed, but some CVEs can still apply depending on a later fact (e.g. AMT on ME 6–10 platforms): also a candidate.</summary>
    Conditional,

    /// <summary>The vendor states these processors are not affected: <c>not_affected</c> at the CPU stage, naming this rule.</summary>
    Excluded,
}

/// <summary>
/// Hosts that a rule's condition must hold for (<see cref="Match"/>) and must be false for (<see cref="NoMatch"/>);
/// run by the tests and <c>vulntriage advisories verify</c>. A rule without both kinds is refused by the loader.
/// </summary>
/// <param name="Match">Hosts the condition must be true for.</param>
/// <param name="NoMatch">Hosts the condition must be false for (indeterminate does not count).</param>
public sealed record RuleExamples(ImmutableArray<RuleExample> Match, ImmutableArray<RuleExample> NoMatch)
{
    /// <summary>No examples (rules built in code).</summary>
    public static RuleExamples None { get; } = new([], []);
}

/// <summary>One example host for a rule.</summary>
/// <param name="Name">What it shows (defaults to the brand string).</param>
/// <param name="Host">The host.</param>
/// <param name="Facts">Its facts (firmware, microcode, kernel lines).</param>
/// <param name="Location">Where it is written (<c>file:line</c>), for failure messages.</param>
public sealed record RuleExample(string Name, Host Host, HostFacts Facts, string Location);

/// <summary>A candidate-stage rule: which processors are in (or, for <see cref="CpuRuleScope.Excluded"/>, out of) scope.</summary>
/// <param name="Id">Stable id (kebab-case); the evidence clause is <c>ADVISORY#cpu/ID</c>.</param>
/// <param name="Title">What the rule covers, in each language.</param>
/// <param name="Scope">Listed, conditional or excluded.</param>
/// <param name="When">The condition over <c>cpu.*</c> and <c>env.*</c> facts, evaluated per processor.</param>
/// <param name="ExpectFirmware">The firmware a candidate is expected to carry (what to read next).</param>
/// <param name="Cves">The CVEs that may apply to a candidate.</param>
/// <param name="Check">How to confirm, in each language (data from the advisory file).</param>
public sealed record CpuRule(
    string Id,
    LocalizedText Title,
    CpuRuleScope Scope,
    Condition When,
    ImmutableArray<FirmwareKind> ExpectFirmware,
    ImmutableArray<string> Cves,
    LocalizedText Check)
{
    /// <summary>The rule's own examples.</summary>
    public RuleExamples Examples { get; init; } = RuleExamples.None;

    /// <summary>
    /// A listed rule for processors the vendor states are affected with no mitigation planned (Intel's table: "No planned
    /// mitigation"): the CPU stage gives <c>affected</c>, not <c>needs_confirmation</c>, and no later fact can make it fixed.
    /// </summary>
    public bool NoFix { get; init; }
}

/// <summary>
/// A confirmation-stage rule: a firmware version range and the verdict it decides. Rules are tried in file order; the
/// first rule of the fact's kind whose range holds (and whose optional <see cref="When"/> is true) decides.
/// </summary>
public sealed record FirmwareRule(
    string Id,
    FirmwareKind Kind,
    FirmwareMatch Match,
    Verdict Verdict,
    AmtCondition Amt,
    ImmutableArray<string> Cves,
    LocalizedText Note)
{
    /// <summary>An extra condition (e.g. on the processor) that must also be true; <c>null</c> for none.</summary>
    public Condition? When { get; init; }

    /// <summary>The rule's own examples.</summary>
    public RuleExamples Examples { get; init; } = RuleExamples.None;
}

/// <summary>
/// A microcode-stage rule: for processors its <see cref="When"/> holds for, the first microcode revision that fixes the
/// issue, per signature. Below it → <c>affected</c>; at or above → <c>fixed</c> when <see cref="FixesAlone"/>, otherwise the
/// kernel stage decides the rest.
/// </summary>
/// <param name="Id">Stable id; the clause is <c>ADVISORY#microcode/ID</c>.</param>
/// <param name="When">Which processors the rule covers (usually a <c>cpu.signature</c> set).</param>
/// <param name="Fixed">The first fixed revision per signature.</param>
/// <param name="FixesAlone">Whether microcode alone fixes it (Intel's table: <c>MCU</c>); otherwise software must act too.</param>
/// <param name="Cves">The CVEs the microcode fixes.</param>
/// <param name="Note">A note for the evidence, in each language.</param>
public sealed record MicrocodeRule(string Id, Condition When, MicrocodePredicate Fixed, bool FixesAlone, ImmutableArray<string> Cves, LocalizedText Note)
{
    /// <summary>The rule's own examples.</summary>
    public RuleExamples Examples { get; init; } = RuleExamples.None;
}

/// <summary>A kernel-stage rule: the sysfs file whose line decides, read with <see cref="KernelVulnerabilityStatus"/>.</summary>
/// <param name="Id">Stable id; the clause is <c>ADVISORY#kernel/ID</c>.</param>
/// <param name="File">The file under <c>/sys/devices/system/cpu/vulnerabilities/</c>, e.g. <c>mds</c>.</param>
/// <param name="Cves">The CVEs the file reports on.</param>
/// <param name="Note">A note for the evidence.</param>
public sealed record KernelRule(string Id, string File, ImmutableArray<string> Cves, LocalizedText Note)
{
    /// <summary>The rule's own examples.</summary>
    public RuleExamples Examples { get; init; } = RuleExamples.None;

    /// <summary>
    /// Beginnings of "Mitigation: …" lines that mitigate only some attack vectors (srso.rst: "Mitigation: microcode"
    /// does not protect user→kernel; "IBPB on VMEXIT" only guest→host): such a line is <c>needs_confirmation</c>, not
    /// <c>fixed</c>. Compared case-insensitively with the start of the line. Empty for none.
    /// </summary>
    public ImmutableArray<string> Partial { get; init; } = [];

    /// <summary>Whether <paramref name="fact"/> is one of the rule's partial mitigations.</summary>
    public bool IsPartial(KernelVulnerabilityFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return fact.Status == KernelStatus.Mitigated && !Partial.IsDefaultOrEmpty
            && Partial.Any(p => fact.Text.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The confirmation stages an advisory is decided by.</summary>
public enum ConfirmationStage
{
    /// <summary>Management-engine firmware versions.</summary>
    Firmware,

    /// <summary>Microcode revision against the first fixed revision.</summary>
    Microcode,

    /// <summary>The kernel's own verdict in sysfs.</summary>
    Kernel,
}

/// <summary>What a cloud instance gets.</summary>
public enum CloudPolicy
{
    /// <summary>The provider owns everything the advisory concerns (platform firmware): <c>provider_managed</c>.</summary>
    ProviderManaged,

    /// <summary>
    /// The provider owns microcode and hypervisor, the guest kernel's mitigation is the customer's: the guest's kernel
    /// line decides when it is known; otherwise <c>provider_managed</c>.
    /// </summary>
    GuestKernel,
}

/// <summary>What a processor determinately outside every CPU rule gets.</summary>
public enum OutsidePolicy
{
    /// <summary><c>not_affected</c>: the advisory's rules cover every affected processor (curated from the advisory's own families).</summary>
    NotAffected,

    /// <summary><c>unknown</c>: the rules come from a vendor list that leaves parts out (end of servicing); absence is not safety.</summary>
    Unknown,
}

/// <summary>How an advisory turns stage results into a verdict (docs/advisory-format.md, "Policy").</summary>
/// <param name="Stages">The confirmation stages that decide, in the order they are read.</param>
/// <param name="Cloud">What a cloud instance gets.</param>
/// <param name="VirtualMachine">What a VM whose hypervisor hides the physical processor gets, when no rule rules it out: <c>needs_confirmation</c> or <c>unknown</c>.</param>
/// <param name="Outside">What a processor outside every CPU rule gets.</param>
public sealed record AdvisoryPolicy(ImmutableArray<ConfirmationStage> Stages, CloudPolicy Cloud, Verdict VirtualMachine, OutsidePolicy Outside)
{
    /// <summary>The policy of a firmware advisory like INTEL-SA-00086.</summary>
    public static AdvisoryPolicy Firmware { get; } = new([ConfirmationStage.Firmware], CloudPolicy.ProviderManaged, Verdict.NeedsConfirmation, OutsidePolicy.NotAffected);
}

/// <summary>Whether an advisory was curated by people or drafted by an importer.</summary>
public enum AdvisoryStatus
{
    /// <summary>Written and reviewed from the vendor's advisory.</summary>
    Curated,

    /// <summary>Generated (Intel's table, NVD) and not yet reviewed: reports mark its findings as drafts.</summary>
    Draft,
}

/// <summary>
/// Where an imported advisory came from (<c>source</c> in the file; docs/advisory-format.md): the feed and record it was
/// built from, the record's revision, and what the importer could not map — listed, never dropped.
/// </summary>
/// <param name="Feed">The feed, e.g. <c>nvd</c>.</param>
/// <param name="Record">The record's id in the feed, e.g. <c>CVE-2023-20593</c>.</param>
/// <param name="Revision">The record revision read (NVD's <c>lastModified</c>), when given.</param>
/// <param name="RecordStatus">The record's own status (NVD's <c>vulnStatus</c>, e.g. <c>Awaiting Analysis</c>), when given.</param>
/// <param name="Configurations">How many applicability statements (NVD configurations) the record has; 0 = not analysed: every host is <c>unknown</c>.</param>
/// <param name="Processors">How many distinct processors the record lists (the "N" of "not among the N processors").</param>
/// <param name="Unmapped">What the importer could not turn into rules, with the reason.</param>
public sealed record AdvisorySource(string Feed, string Record, string? Revision, string? RecordStatus, int Configurations, int Processors, ImmutableArray<UnmappedCriterion> Unmapped);

/// <summary>One part of a source record the importer could not map to a rule.</summary>
/// <param name="Location">Where in the record, e.g. <c>configurations[3]</c>.</param>
/// <param name="Criteria">The CPE match string (and range), as the record gives it.</param>
/// <param name="Reason">Why (a stable key: <c>software</c>, <c>platform-hardware</c>, <c>unknown-product</c>, <c>no-version</c>, …).</param>
public sealed record UnmappedCriterion(string Location, string Criteria, string Reason);

/// <summary>A CVE the advisory covers.</summary>
public sealed record CveInfo(string Id, decimal? CvssScore, string? CvssVersion, string? CvssVector, LocalizedText Description);

/// <summary>What a cloud provider has said (or what is known) about the advisory.</summary>
public sealed record CloudStatement(CloudProvider Provider, LocalizedText Statement, ImmutableArray<string> References);

/// <summary>A reference link.</summary>
public sealed record Reference(string Title, string Url);

/// <summary>A hardware vendor's page for the advisory, matched to hosts by platform vendor where known.</summary>
public sealed record VendorPage(string Vendor, string Title, string Url, ImmutableArray<string> Matches);

/// <summary>An example host carried in the advisory file, with the verdict it must get.</summary>
/// <param name="Name">What the example shows.</param>
/// <param name="Host">The host, built from the example's fields.</param>
/// <param name="Facts">Facts for the example (firmware, microcode, kernel), or <see cref="HostFacts.None"/>.</param>
/// <param name="Expect">The verdict the advisory must give.</param>
/// <param name="ExpectStage">The stage it must rest on, when given.</param>
/// <param name="ExpectClause">The rule id it must cite, when given.</param>
public sealed record AdvisoryExample(string Name, Host Host, HostFacts Facts, Verdict Expect, Stage? ExpectStage, string? ExpectClause);

/// <summary>An advisory, loaded from data. Immutable; validated by the loader.</summary>
public sealed record Advisory(
    string Id,
    string Vendor,
    LocalizedText Title,
    DateOnly Published,
    string Severity,
    ImmutableArray<CveInfo> Cves,
    LocalizedText Summary,
    LocalizedText AffectedSystems,
    ImmutableArray<CpuRule> CpuRules,
    ImmutableArray<FirmwareRule> FirmwareRules,
    LocalizedText OutOfScope,
    LocalizedText HowToCheck,
    LocalizedText Remediation,
    ImmutableArray<CloudStatement> CloudStatements,
    ImmutableArray<Reference> References,
    ImmutableArray<VendorPage> VendorPages,
    ImmutableArray<AdvisoryExample> Examples,
    string SourceName)
{
    /// <summary>How stage results become a verdict.</summary>
    public AdvisoryPolicy Policy { get; init; } = AdvisoryPolicy.Firmware;

    /// <summary>Microcode-stage rules, in file order.</summary>
    public ImmutableArray<MicrocodeRule> MicrocodeRules { get; init; } = [];

    /// <summary>Kernel-stage rules.</summary>
    public ImmutableArray<KernelRule> KernelRules { get; init; } = [];

    /// <summary>Curated or draft.</summary>
    public AdvisoryStatus Status { get; init; } = AdvisoryStatus.Curated;

    /// <summary>Other identifiers the advisory is known by (CVE ids are matched separately).</summary>
    public ImmutableArray<string> Aliases { get; init; } = [];

    /// <summary>Where an imported (draft) advisory came from, or <c>null</c> for one written by people.</summary>
    public AdvisorySource? Source { get; init; }

    /// <summary>The CPU rule with this id, or <c>null</c>.</summary>
    public CpuRule? CpuRule(string id) => CpuRules.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal));
}
