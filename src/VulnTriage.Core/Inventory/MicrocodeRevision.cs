using System.Globalization;

namespace VulnTriage.Core.Inventory;

/// <summary>
/// A processor microcode revision, as <c>/proc/cpuinfo</c> prints it (<c>microcode : 0xde</c>) and as Intel's release
/// notes and the kernel's tables give it (<c>0x2007006</c>). Ordered numerically: a fix is "at or above the first fixed
/// revision for that signature".
/// </summary>
/// <param name="Value">The 32-bit revision.</param>
public readonly record struct MicrocodeRevision(uint Value) : IComparable<MicrocodeRevision>
{
    /// <summary>
    /// Parses <c>0xde</c>, <c>0x0000DE</c>, <c>DE</c> (hex without prefix, as older Intel CSV revisions write
    /// <c>04003006</c>) — always hexadecimal, as every source writes revisions. Surrounding whitespace is ignored.
    /// </summary>
    public static bool TryParse(string? text, out MicrocodeRevision revision)
    {
        revision = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        if (span.Length is 0 or > 8 || !uint.TryParse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        revision = new MicrocodeRevision(value);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> (for literals in code and tests).</summary>
    public static MicrocodeRevision Parse(string text) =>
        TryParse(text, out var r) ? r : throw new FormatException($"not a microcode revision: '{text}'");

    /// <inheritdoc />
    public int CompareTo(MicrocodeRevision other) => Value.CompareTo(other.Value);

    /// <summary>Less than.</summary>
    public static bool operator <(MicrocodeRevision left, MicrocodeRevision right) => left.Value < right.Value;

    /// <summary>Greater than.</summary>
    public static bool operator >(MicrocodeRevision left, MicrocodeRevision right) => left.Value > right.Value;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(MicrocodeRevision left, MicrocodeRevision right) => left.Value <= right.Value;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(MicrocodeRevision left, MicrocodeRevision right) => left.Value >= right.Value;

    /// <summary><c>0x</c> and lower-case hex without leading zeros, as <c>/proc/cpuinfo</c> prints it.</summary>
    public override string ToString() => "0x" + Value.ToString("x", CultureInfo.InvariantCulture);
}

/// <summary>A microcode revision read on a host, with where it came from.</summary>
/// <param name="Revision">The revision.</param>
/// <param name="Text">The text exactly as the source wrote it.</param>
/// <param name="Source">Where, e.g. <c>facts/db01.json cpu.microcode</c>.</param>
public sealed record MicrocodeFact(MicrocodeRevision Revision, string Text, string Source);

/// <summary>
/// What the Linux kernel says about one CPU vulnerability
/// (<c>/sys/devices/system/cpu/vulnerabilities/&lt;name&gt;</c>), classified (see <see cref="KernelVulnerabilityStatus"/>).
/// </summary>
public enum KernelStatus
{
    /// <summary>"Not affected": the kernel's CPU tables and capability bits say the CPU is not affected.</summary>
    NotAffected,

    /// <summary>"Mitigation: …" with everything it needs in place.</summary>
    Mitigated,

    /// <summary>"Vulnerable…", "Mitigation: None", or a mitigation that lacks the microcode it needs ("…, no microcode").</summary>
    Vulnerable,

    /// <summary>"Unknown: …" (e.g. "Dependent on hypervisor status"), or a line that could not be classified.</summary>
    Unknown,
}

/// <summary>One line of <c>/sys/devices/system/cpu/vulnerabilities/&lt;name&gt;</c>, classified.</summary>
/// <param name="Name">The file name, e.g. <c>mds</c>, <c>spectre_v2</c>, <c>gather_data_sampling</c>.</param>
/// <param name="Text">The first line exactly as read.</param>
/// <param name="Status">The classification.</param>
/// <param name="MicrocodeMissing">The kernel says the microcode half of the mitigation is missing (", no microcode").</param>
/// <param name="SmtVulnerable">The kernel adds "SMT vulnerable": mitigated, with SMT still exposing it.</param>
/// <param name="Source">Where the line came from, e.g. <c>facts/db01.json vulnerabilities.mds</c>.</param>
public sealed record KernelVulnerabilityFact(string Name, string Text, KernelStatus Status, bool MicrocodeMissing, bool SmtVulnerable, string Source);

/// <summary>Classifies the kernel's vulnerability strings (robust across kernel versions).</summary>
/// <remarks>
/// Rules, from the kernel's ABI document and <c>arch/x86/kernel/cpu/bugs.c</c> (shared/docs/reference/cpu-advisories.md §5):
/// "Not affected" → not affected; a line starting with "Vulnerable" or exactly "Mitigation: None" → vulnerable;
/// "Unknown…" → unknown; "Mitigation: …" → mitigated, unless it says the microcode is missing ("no microcode"), which is
/// vulnerable (the fix needs microcode and software and only one half is there). Anything else is unknown: a line we
/// cannot read is never taken as safe.
/// </remarks>
public static class KernelVulnerabilityStatus
{
    /// <summary>Classifies <paramref name="line"/> (the first line of the sysfs file).</summary>
    public static KernelVulnerabilityFact Classify(string name, string line, string source)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();

        // itlb_multihit prefixes the hypervisor's state ("KVM: Mitigation: VMX disabled", "KVM: Vulnerable").
        var body = text.StartsWith("KVM: ", StringComparison.Ordinal) ? text["KVM: ".Length..] : text;
        var noMicrocode = text.Contains("no microcode", StringComparison.OrdinalIgnoreCase);
        var smt = text.Contains("SMT vulnerable", StringComparison.OrdinalIgnoreCase);
        KernelStatus status;
        if (body.Equals("Not affected", StringComparison.OrdinalIgnoreCase))
        {
            status = KernelStatus.NotAffected;
        }
        else if (body.StartsWith("Vulnerable", StringComparison.OrdinalIgnoreCase)
            || body.StartsWith("Processor vulnerable", StringComparison.OrdinalIgnoreCase)
            || body.Equals("Mitigation: None", StringComparison.OrdinalIgnoreCase)
            || body.StartsWith("Mitigation: None;", StringComparison.OrdinalIgnoreCase))
        {
            status = KernelStatus.Vulnerable;
        }
        else if (body.StartsWith("Mitigation:", StringComparison.OrdinalIgnoreCase))
        {
            status = noMicrocode ? KernelStatus.Vulnerable : KernelStatus.Mitigated;
        }
        else
        {
            status = KernelStatus.Unknown;
        }

        return new KernelVulnerabilityFact(name, text, status, noMicrocode, smt, source);
    }

    /// <summary>snake_case wire name.</summary>
    public static string ToWire(this KernelStatus status) => status switch
    {
        KernelStatus.NotAffected => "not_affected",
        KernelStatus.Mitigated => "mitigated",
        KernelStatus.Vulnerable => "vulnerable",
        _ => "unknown",
    };

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? text, out KernelStatus status)
    {
        foreach (var s in new[] { KernelStatus.NotAffected, KernelStatus.Mitigated, KernelStatus.Vulnerable, KernelStatus.Unknown })
        {
            if (string.Equals(s.ToWire(), text, StringComparison.Ordinal))
            {
                status = s;
                return true;
            }
        }

        status = default;
        return false;
    }
}
