namespace VulnTriage.Inventory.Mackerel;

/// <summary>Limits that keep <see cref="MackerelInventoryReader"/> bounded on hostile or broken input.</summary>
/// <param name="MaxStringBytes">Largest single JSON string or number token, in UTF-8 bytes (default 1 MiB).</param>
/// <param name="MaxHostBytes">Largest single host object, in bytes (default 64 MiB); only one host is buffered at a time.</param>
/// <param name="MaxDepth">Deepest JSON nesting accepted (default 64).</param>
public sealed record MackerelReaderOptions(int MaxStringBytes = 1 << 20, int MaxHostBytes = 64 << 20, int MaxDepth = 64);
