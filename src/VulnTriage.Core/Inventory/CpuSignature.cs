using System.Globalization;

namespace VulnTriage.Core.Inventory;

/// <summary>
/// The CPUID display family / display model / stepping of a processor, as Linux prints them in
/// <c>/proc/cpuinfo</c> (decimal there; hex in Intel's tables, e.g. <c>06_55</c> = family 6, model 85).
/// </summary>
/// <param name="Family">Display family (family + extended family when family is 0xF).</param>
/// <param name="Model">Display model (model + extended model &lt;&lt; 4 for families 6 and 0xF).</param>
/// <param name="Stepping">Stepping, when known.</param>
public readonly record struct CpuSignature(int Family, int Model, int? Stepping)
{
    /// <summary>Intel's notation: <c>06_55</c> or <c>06_55_4</c> (hex family and model, hex stepping).</summary>
    public override string ToString() => Stepping is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{Family:X2}_{Model:X2}_{s:X}")
        : string.Create(CultureInfo.InvariantCulture, $"{Family:X2}_{Model:X2}");

    /// <summary>Decimal form as <c>/proc/cpuinfo</c> shows it: <c>6/85/4</c>.</summary>
    public string ToDecimalString() => Stepping is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{Family}/{Model}/{s}")
        : string.Create(CultureInfo.InvariantCulture, $"{Family}/{Model}");
}
