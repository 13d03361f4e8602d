using System.Collections.Immutable;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory;

/// <summary>
/// Where a fleet comes from: an inventory file (<c>mkr hosts -v</c> output, an API response) or the live Mackerel API.
/// Either way the consumer gets hosts one at a time, each with the facts the source itself carries (Mackerel host
/// metadata), plus the services the source knows about.
/// </summary>
public interface IInventorySource
{
    /// <summary>Name used in reports and diagnostics: a file path, <c>-</c>, or <c>mackerel</c>.</summary>
    string Name { get; }

    /// <summary>Starts reading. Services are read first; the hosts stream as <see cref="InventoryReading.Entries"/> is enumerated.</summary>
    /// <param name="report">Receives non-fatal diagnostics; calls are serialised by the source.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The services and the lazily read hosts.</returns>
    /// <exception cref="InputException">The source cannot be read (also thrown while enumerating the entries).</exception>
    InventoryReading Open(Action<Diagnostic> report, CancellationToken cancellationToken);
}

/// <summary>One host and the facts its source carries for it.</summary>
/// <param name="Host">The host.</param>
/// <param name="Facts">Facts from the source (Mackerel metadata), or <c>null</c> when it has none.</param>
public sealed record InventoryEntry(Host Host, HostFacts? Facts);

/// <summary>What an <see cref="IInventorySource"/> yields.</summary>
/// <param name="Services">Services the source knows (empty for files).</param>
/// <param name="Entries">The hosts in source order, read lazily; enumerate once.</param>
public sealed record InventoryReading(ImmutableArray<ServiceInfo> Services, IEnumerable<InventoryEntry> Entries);

/// <summary>A Mackerel service and the team that owns it, when its memo names one.</summary>
/// <param name="Name">Service name.</param>
/// <param name="Memo">The service memo as Mackerel has it (may be empty).</param>
/// <param name="Team">The owning team, from a <c>team:</c> or <c>owner:</c> line of the memo; <c>null</c> when none.</param>
/// <param name="Roles">Role names of the service.</param>
public sealed record ServiceInfo(string Name, string Memo, string? Team, ImmutableArray<string> Roles);
