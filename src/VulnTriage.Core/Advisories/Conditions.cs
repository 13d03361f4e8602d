using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Core.Advisories;

/// <summary>
/// A rule's condition: a tree of <see cref="AllOf"/>, <see cref="AnyOf"/> and <see cref="NotOf"/> over typed
/// <see cref="Predicate"/>s, evaluated in Kleene's three-valued logic (docs/advisory-format.md, "Conditions").
/// </summary>
public abstract record Condition;

/// <summary>Every item holds (AND): false as soon as one is false; otherwise unknown if one is unknown.</summary>
/// <param name="Items">The conjuncts (at least one).</param>
public sealed record AllOf(ImmutableArray<Condition> Items) : Condition;

/// <summary>At least one item holds (OR): true as soon as one is true; otherwise unknown if one is unknown.</summary>
/// <param name="Items">The disjuncts (at least one).</param>
public sealed record AnyOf(ImmutableArray<Condition> Items) : Condition;

/// <summary>The item does not hold. Not(unknown) is unknown.</summary>
/// <param name="Item">The negated condition.</param>
public sealed record NotOf(Condition Item) : Condition;

/// <summary>A leaf: one typed test of one fact. <see cref="Name"/> is its name in advisory files (<c>cpu.microarchitecture</c>).</summary>
public abstract record Predicate : Condition
{
    /// <summary>The predicate's name as written in advisory files, e.g. <c>cpu.signature</c>, <c>kernel.mds</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What the predicate allows, in the advisory file's notation (language-neutral), for evidence.</summary>
    public abstract string Expected { get; }
}

/// <summary><c>cpu.vendor</c>: the processor's vendor is one of these.</summary>
public sealed record CpuVendorPredicate(ImmutableArray<CpuVendor> Vendors) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.vendor";

    /// <inheritdoc />
    public override string Expected => string.Join("|", Vendors.Select(v => v.ToString().ToLowerInvariant()));
}

/// <summary>String-valued identity attributes that rules may test.</summary>
public enum CpuProperty
{
    /// <summary><c>cpu.product_line</c> (<see cref="ProductLines"/>).</summary>
    ProductLine,

    /// <summary><c>cpu.microarchitecture</c> (the CPU catalog's names).</summary>
    Microarchitecture,

    /// <summary><c>cpu.codename</c> (the CPU catalog's platform/die codenames).</summary>
    Codename,
}

/// <summary><c>cpu.product_line</c>, <c>cpu.microarchitecture</c>, <c>cpu.codename</c>: every possible value is among these.</summary>
public sealed record CpuPropertyPredicate(CpuProperty Property, ImmutableArray<string> Values) : Predicate
{
    /// <inheritdoc />
    public override string Name => Property switch
    {
        CpuProperty.ProductLine => "cpu.product_line",
        CpuProperty.Microarchitecture => "cpu.microarchitecture",
        _ => "cpu.codename",
    };

    /// <inheritdoc />
    public override string Expected => string.Join("|", Values);
}

/// <summary><c>cpu.generation</c>: the generation within the product line is in the set (Known(∅) — no generation — is false).</summary>
public sealed record CpuGenerationPredicate(IntSet Generations) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.generation";

    /// <inheritdoc />
    public override string Expected => Generations.ToString();
}

/// <summary><c>cpu.segment</c>: the market segment is one of these.</summary>
public sealed record CpuSegmentPredicate(ImmutableArray<MarketSegment> Segments) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.segment";

    /// <inheritdoc />
    public override string Expected => string.Join("|", Segments.Select(s => s.ToString().ToLowerInvariant()));
}

/// <summary><c>cpu.model_number</c>: the normalised model number matches one of the patterns (case-insensitive).</summary>
public sealed record CpuModelNumberPredicate(ImmutableArray<Regex> Patterns) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.model_number";

    /// <inheritdoc />
    public override string Expected => string.Join(" | ", Patterns.Select(p => p.ToString()));
}

/// <summary><c>cpu.signature</c>: the CPUID signature is one of these. Signatures are vendor-specific: rules pair it with <c>cpu.vendor</c>.</summary>
public sealed record CpuSignaturePredicate(ImmutableArray<SignatureMatch> Signatures) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.signature";

    /// <inheritdoc />
    public override string Expected => string.Join(" ", Signatures.Select(s => s.ToString()));
}

/// <summary>
/// <c>cpu.virtual</c>: the processor is (or is not) a hypervisor's synthetic or hidden CPU model, i.e. the physical
/// processor is hidden from the guest.
/// </summary>
public sealed record CpuVirtualPredicate(bool Virtual) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.virtual";

    /// <inheritdoc />
    public override string Expected => Virtual ? "true" : "false";
}

/// <summary>
/// <c>cpu.cpe</c>: one of the hardware CPE names the processor goes by (<see cref="Cpe.ProcessorCpes"/>, both NVD naming
/// styles) is matched by one of these criteria (NISTIR 7696; an NVD version range when given). Unknown when the model
/// cannot be named (no brand string, a hypervisor's synthetic model) unless the vendor already rules every criterion out.
/// </summary>
/// <param name="Criteria">The match criteria (at least one).</param>
public sealed record CpuCpePredicate(ImmutableArray<Cpe.CpeMatchCriterion> Criteria) : Predicate
{
    /// <inheritdoc />
    public override string Name => "cpu.cpe";

    /// <inheritdoc />
    public override string Expected => Criteria.Length <= 3
        ? string.Join(" | ", Criteria.Select(c => c.ToString()))
        : string.Create(CultureInfo.InvariantCulture, $"{Criteria.Length} CPEs{(Index.Vendors is { Count: > 0 } v ? " of " + string.Join("/", v.Order(StringComparer.Ordinal)) : "")} ({Criteria[0]}, …)");

    private readonly Lazy<Cpe.CpeCriteriaIndex> _index = new(() => new Cpe.CpeCriteriaIndex(Criteria));

    /// <summary>The criteria indexed by product, for matching many names against many criteria.</summary>
    public Cpe.CpeCriteriaIndex Index => _index.Value;

    /// <inheritdoc />
    public bool Equals(CpuCpePredicate? other) => other is not null && Criteria.SequenceEqual(other.Criteria);

    /// <inheritdoc />
    public override int GetHashCode() => Criteria.Length;
}

/// <summary><c>env.cloud</c>: the host runs in one of these clouds (<see cref="CloudProvider.None"/> = not a known cloud).</summary>
public sealed record EnvCloudPredicate(ImmutableArray<CloudProvider> Providers) : Predicate
{
    /// <inheritdoc />
    public override string Name => "env.cloud";

    /// <inheritdoc />
    public override string Expected => string.Join("|", Providers.Select(CloudKey));

    /// <summary>The advisory-file name of a provider.</summary>
    public static string CloudKey(CloudProvider provider) => provider switch
    {
        CloudProvider.Aws => "aws",
        CloudProvider.Gcp => "gcp",
        CloudProvider.Azure => "azure",
        _ => "none",
    };
}

/// <summary><c>env.virtual</c>: the host is (or is not) a virtual machine.</summary>
public sealed record EnvVirtualPredicate(bool Virtual) : Predicate
{
    /// <inheritdoc />
    public override string Name => "env.virtual";

    /// <inheritdoc />
    public override string Expected => Virtual ? "true" : "false";
}

/// <summary>
/// <c>firmware.me</c> / <c>firmware.sps</c> / <c>firmware.txe</c>: a firmware fact of that kind is in the version range
/// (and, when <paramref name="Amt"/> is given, is or is not a corporate AMT image).
/// </summary>
public sealed record FirmwarePredicate(FirmwareKind Kind, FirmwareMatch Match, bool? Amt = null) : Predicate
{
    /// <inheritdoc />
    public override string Name => "firmware." + FirmwareKinds.Key(Kind);

    /// <inheritdoc />
    public override string Expected => Match.Describe() + (Amt is { } a ? (a ? ", amt" : ", no amt") : "");
}

/// <summary>One first-fixed microcode revision: for processors with this signature (and platform id), <see cref="Revision"/> or later.</summary>
/// <param name="Signature">The exact signature (family, model and stepping).</param>
/// <param name="PlatformMask">Intel platform-id mask (<c>pf</c> bits) the revision applies to, or <c>null</c> for any.</param>
/// <param name="Revision">The first revision that carries the fix.</param>
public sealed record MicrocodeThreshold(SignatureMatch Signature, int? PlatformMask, MicrocodeRevision Revision)
{
    /// <inheritdoc />
    public override string ToString() => $"{Signature}{(PlatformMask is { } p ? string.Create(CultureInfo.InvariantCulture, $"/pf{p:x2}") : "")}>={Revision}";
}

/// <summary><c>microcode.fixed</c>: the running microcode is at or above the first fixed revision for the host's signature.</summary>
public sealed record MicrocodePredicate(ImmutableArray<MicrocodeThreshold> Thresholds) : Predicate
{
    /// <inheritdoc />
    public override string Name => "microcode.fixed";

    /// <inheritdoc />
    public override string Expected => Thresholds.Length <= 4
        ? string.Join(" ", Thresholds.Select(t => t.ToString()))
        : string.Create(CultureInfo.InvariantCulture, $"{Thresholds.Length} thresholds");

    /// <summary>The threshold for <paramref name="signature"/>, if one is listed. A signature without stepping matches none.</summary>
    public MicrocodeThreshold? For(CpuSignature signature)
    {
        foreach (var t in Thresholds)
        {
            if (t.Signature.Matches(signature) == true)
            {
                return t;
            }
        }

        return null;
    }
}

/// <summary><c>kernel.&lt;name&gt;</c>: the kernel's line for that vulnerability file classifies as one of these statuses.</summary>
public sealed record KernelPredicate(string File, ImmutableArray<KernelStatus> Statuses) : Predicate
{
    /// <inheritdoc />
    public override string Name => "kernel." + File;

    /// <inheritdoc />
    public override string Expected => string.Join("|", Statuses.Select(s => s.ToWire()));
}

/// <summary>Helpers for firmware kinds.</summary>
public static class FirmwareKinds
{
    /// <summary>The advisory-file key: <c>me</c>, <c>sps</c>, <c>txe</c>.</summary>
    public static string Key(FirmwareKind kind) => kind switch
    {
        FirmwareKind.Me => "me",
        FirmwareKind.Sps => "sps",
        FirmwareKind.Txe => "txe",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    /// <summary>The display name: <c>ME</c>, <c>SPS</c>, <c>TXE</c>.</summary>
    public static string Display(FirmwareKind kind) => Key(kind).ToUpperInvariant();

    /// <summary>Parses a key.</summary>
    public static bool TryParse(string? text, out FirmwareKind kind)
    {
        switch (text)
        {
            case "me":
                kind = FirmwareKind.Me;
                return true;
            case "sps":
                kind = FirmwareKind.Sps;
                return true;
            case "txe":
                kind = FirmwareKind.Txe;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}

/// <summary>Walks condition trees.</summary>
public static class Conditions
{
    /// <summary>Every predicate in the tree, depth first.</summary>
    public static IEnumerable<Predicate> Leaves(this Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        switch (condition)
        {
            case Predicate p:
                yield return p;
                break;
            case AllOf all:
                foreach (var leaf in all.Items.SelectMany(Leaves))
                {
                    yield return leaf;
                }

                break;
            case AnyOf any:
                foreach (var leaf in any.Items.SelectMany(Leaves))
                {
                    yield return leaf;
                }

                break;
            case NotOf not:
                foreach (var leaf in not.Item.Leaves())
                {
                    yield return leaf;
                }

                break;
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    /// <summary>The tree in the advisory file's notation, on one line (for <c>advisories show</c> and evidence).</summary>
    public static string Describe(this Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return condition switch
        {
            Predicate p => $"{p.Name}: {p.Expected}",
            AllOf all => "all(" + string.Join("; ", all.Items.Select(Describe)) + ")",
            AnyOf any => "any(" + string.Join("; ", any.Items.Select(Describe)) + ")",
            NotOf not => "not(" + not.Item.Describe() + ")",
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }
}
