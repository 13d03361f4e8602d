using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>The pull parser for one host object; every method expects the whole host in the buffer.</summary>
internal sealed partial class MackerelStreamParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SearchValues<byte> TrimBytes = SearchValues.Create(" \t\r\n\f\v"u8);

    private readonly List<Diagnostic> _pendingDiagnostics = [];
    private readonly StringCache _strings = new();
    private readonly List<RoleRef> _roles = [];
    private readonly List<string> _roleFullnames = [];
    private readonly CpuAggregator _cpus = new();

    // Scratch for the host being parsed; reset at each host's '{'.
    private string? _id;
    private string? _name;
    private string? _displayName;
    private string? _customIdentifier;
    private HostStatus _status;
    private string? _unknownStatus;
    private int _statusIndex;
    private bool _isRetired;
    private bool _rolesSeen;
    private bool _roleFullnamesSeen;
    private bool _cpuSeen;
    private string? _osName;
    private string? _cloudProvider;
    private string? _instanceType;
    private string? _vmSize;

    private enum Key
    {
        Other,
        Id,
        Name,
        DisplayName,
        CustomIdentifier,
        Status,
        IsRetired,
        Roles,
        RoleFullnames,
        Meta,
        Cpu,
        Cloud,
        Kernel,
        Provider,
        Metadata,
        InstanceType,
        VirtualMachineSizeType,
        VendorId,
        Family,
        Model,
        Stepping,
        PhysicalId,
        ModelName,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Host ParseHost(ref Utf8JsonReader r)
    {
        var hostStart = _spanStart + (int)r.TokenStartIndex;
        ResetHost();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var key = HostKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.Id:
                    _id = ReadString(ref r, "id", intern: false);
                    break;
                case Key.Name:
                    _name = ReadString(ref r, "name", intern: false);
                    break;
                case Key.DisplayName:
                    _displayName = ReadString(ref r, "displayName", intern: false);
                    break;
                case Key.CustomIdentifier:
                    _customIdentifier = ReadString(ref r, "customIdentifier", intern: false);
                    break;
                case Key.Status:
                    ReadStatus(ref r);
                    break;
                case Key.IsRetired:
                    _isRetired = r.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False or JsonTokenType.Null => false,
                        _ => throw WrongType(ref r, "isRetired", "a boolean"),
                    };
                    break;
                case Key.Roles:
                    ReadRoles(ref r);
                    break;
                case Key.RoleFullnames:
                    ReadRoleFullnames(ref r);
                    break;
                case Key.Meta:
                    ReadMeta(ref r);
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }

        return BuildHost(hostStart);
    }

    private void ResetHost()
    {
        _pendingDiagnostics.Clear();
        _roles.Clear();
        _roleFullnames.Clear();
        _cpus.Reset();
        _id = _name = _displayName = _customIdentifier = _unknownStatus = null;
        _osName = _cloudProvider = _instanceType = _vmSize = null;
        _status = HostStatus.Unknown;
        _statusIndex = 0;
        _isRetired = _rolesSeen = _roleFullnamesSeen = _cpuSeen = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            CheckPendingToken(r.BytesConsumed);
            throw NeedMoreDataSignal.Instance;
        }
    }

    /// <summary>Skips the value the reader is on, checking string sizes on the way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Skip(ref Utf8JsonReader r)
    {
        if (r.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            CheckLength(ref r);
            return;
        }

        var depth = r.CurrentDepth;
        while (true)
        {
            Next(ref r);
            switch (r.TokenType)
            {
                case JsonTokenType.EndObject or JsonTokenType.EndArray when r.CurrentDepth == depth:
                    return;
                case JsonTokenType.String or JsonTokenType.PropertyName:
                    CheckLength(ref r);
                    break;
                default:
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckLength(ref Utf8JsonReader r)
    {
        if (r.ValueSpan.Length > _options.MaxStringBytes)
        {
            throw Fail(
                DiagnosticCodes.InventoryValueTooLarge,
                TokenLocation(ref r),
                string.Create(CultureInfo.InvariantCulture, $"a single JSON value is longer than {_options.MaxStringBytes} bytes"));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? ReadString(ref Utf8JsonReader r, string field, bool intern)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return Materialize(ref r, intern);
            default:
                throw WrongType(ref r, field, "a string");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string Materialize(ref Utf8JsonReader r, bool intern)
    {
        CheckLength(ref r);
        try
        {
            if (r.ValueIsEscaped)
            {
                return r.GetString()!;
            }

            var bytes = r.ValueSpan;
            return intern ? _strings.Get(bytes) : StrictUtf8.GetString(bytes);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw Fail(DiagnosticCodes.InventoryInvalidJson, TokenLocation(ref r), "invalid UTF-8 in a JSON string");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadStatus(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            _status = HostStatus.Unknown;
            _unknownStatus = null;
            return;
        }

        if (r.TokenType != JsonTokenType.String)
        {
            throw WrongType(ref r, "status", "a string");
        }

        _unknownStatus = null;
        if (r.ValueTextEquals("working"u8))
        {
            _status = HostStatus.Working;
        }
        else if (r.ValueTextEquals("standby"u8))
        {
            _status = HostStatus.Standby;
        }
        else if (r.ValueTextEquals("maintenance"u8))
        {
            _status = HostStatus.Maintenance;
        }
        else if (r.ValueTextEquals("poweroff"u8))
        {
            _status = HostStatus.PowerOff;
        }
        else
        {
            _status = HostStatus.Unknown;
            _unknownStatus = Materialize(ref r, intern: true);
            _statusIndex = _spanStart + (int)r.TokenStartIndex;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadRoles(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "roles", "an object mapping each service to an array of role names");
        }

        _rolesSeen = true;
        _roles.Clear();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var service = Materialize(ref r, intern: true);
            Next(ref r);
            if (r.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (r.TokenType != JsonTokenType.StartArray)
            {
                throw WrongType(ref r, "roles." + service, "an array of role names");
            }

            while (true)
            {
                Next(ref r);
                if (r.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                if (r.TokenType != JsonTokenType.String)
                {
                    throw WrongType(ref r, "roles." + service + "[]", "a string");
                }

                _roles.Add(new RoleRef(service, Materialize(ref r, intern: true)));
            }
        }
    }

    private void ReadRoleFullnames(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(ref r, "roleFullnames", "an array of \"service:role\" strings");
        }

        _roleFullnamesSeen = true;
        _roleFullnames.Clear();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (r.TokenType != JsonTokenType.String)
            {
                throw WrongType(ref r, "roleFullnames[]", "a string");
            }

            _roleFullnames.Add(Materialize(ref r, intern: true));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadMeta(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "meta", "an object");
        }

        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var key = MetaKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.Cpu:
                    ReadCpu(ref r);
                    break;
                case Key.Cloud:
                    ReadCloud(ref r);
                    break;
                case Key.Kernel:
                    ReadKernel(ref r);
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadKernel(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "meta.kernel", "an object");
        }

        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var isName = r.ValueTextEquals("name"u8);
            Next(ref r);
            if (isName)
            {
                _osName = ReadString(ref r, "meta.kernel.name", intern: true);
            }
            else
            {
                Skip(ref r);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCloud(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType(ref r, "meta.cloud", "an object");
        }

        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var key = CloudKey(ref r);
            Next(ref r);
            if (key == Key.Provider)
            {
                _cloudProvider = ReadString(ref r, "meta.cloud.provider", intern: true);
            }
            else if (key == Key.Metadata && r.TokenType == JsonTokenType.StartObject)
            {
                ReadCloudMetadata(ref r);
            }
            else
            {
                Skip(ref r);
            }
        }
    }

    private void ReadCloudMetadata(ref Utf8JsonReader r)
    {
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var key = CloudKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.InstanceType:
                    _instanceType = ReadString(ref r, "meta.cloud.metadata.instance-type", intern: true);
                    break;
                case Key.VirtualMachineSizeType:
                    _vmSize = ReadString(ref r, "meta.cloud.metadata.virtualMachineSizeType", intern: true);
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCpu(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(ref r, "meta.cpu", "an array of objects");
        }

        _cpuSeen = true;
        _cpus.Reset();
        var index = 0;
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (r.TokenType != JsonTokenType.StartObject)
            {
                throw WrongType(ref r, string.Create(CultureInfo.InvariantCulture, $"meta.cpu[{index}]"), "an object");
            }

            ReadCpuEntry(ref r, index);
            index++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCpuEntry(ref Utf8JsonReader r, int index)
    {
        var entry = default(CpuEntry);
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var key = CpuKey(ref r);
            Next(ref r);
            switch (key)
            {
                case Key.VendorId:
                    entry.Vendor = Capture(ref r, index, "vendor_id", trim: false);
                    break;
                case Key.ModelName:
                    entry.ModelName = Capture(ref r, index, "model_name", trim: true);
                    break;
                case Key.Family:
                    entry.Family = Capture(ref r, index, "family", trim: false);
                    break;
                case Key.Model:
                    entry.Model = Capture(ref r, index, "model", trim: false);
                    break;
                case Key.Stepping:
                    entry.Stepping = Capture(ref r, index, "stepping", trim: false);
                    break;
                case Key.PhysicalId:
                    entry.PhysicalId = Capture(ref r, index, "physical_id", trim: false);
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }

        _cpus.Add(ref entry, _buffer);
    }

    /// <summary>Records where a CPU value's bytes are (no string yet); string or number, null means absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RawValue Capture(ref Utf8JsonReader r, int index, string field, bool trim)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.String:
            case JsonTokenType.Number:
                CheckLength(ref r);
                var tokenIndex = _spanStart + (int)r.TokenStartIndex;
                if (r.ValueIsEscaped)
                {
                    var text = Materialize(ref r, intern: false);
                    return new RawValue(tokenIndex, tokenIndex, 0, trim ? text.Trim() : text);
                }

                var start = r.TokenType == JsonTokenType.String ? tokenIndex + 1 : tokenIndex;
                var length = r.ValueSpan.Length;
                if (trim)
                {
                    var span = r.ValueSpan;
                    var lead = span.IndexOfAnyExcept(TrimBytes);
                    if (lead < 0)
                    {
                        return new RawValue(tokenIndex, start, 0, null);
                    }

                    var last = span.LastIndexOfAnyExcept(TrimBytes);
                    start += lead;
                    length = last - lead + 1;
                }

                return new RawValue(tokenIndex, start, length, null);
            default:
                throw WrongType(ref r, string.Create(CultureInfo.InvariantCulture, $"meta.cpu[{index}].{field}"), "a string or a number");
        }
    }

    private Host BuildHost(int hostStart)
    {
        if (string.IsNullOrEmpty(_id) || string.IsNullOrEmpty(_name))
        {
            var missing = string.IsNullOrEmpty(_id) ? "id" : "name";
            throw Fail(
                DiagnosticCodes.InventoryHostMissingIdentity,
                LocationAtBufferIndex(hostStart),
                string.Create(CultureInfo.InvariantCulture, $"host #{_hostIndex + 1} has no {missing}"));
        }

        if (_unknownStatus is not null)
        {
            _pendingDiagnostics.Add(new Diagnostic(
                InventoryDiagnosticCodes.UnknownHostStatus,
                DiagnosticSeverity.Info,
                LocationAtBufferIndex(_statusIndex),
                $"host '{_name}' has status '{_unknownStatus}', which is not one Mackerel documents; treated as unknown"));
        }

        ImmutableArray<ProcessorFact> processors;
        string? note = null;
        if (!_cpuSeen)
        {
            processors = [];
            note = "meta.cpu absent";
        }
        else if (_cpus.EntryCount == 0)
        {
            processors = [];
            note = "meta.cpu empty";
        }
        else
        {
            List<(int TokenIndex, string Text)> signatureProblems;
            try
            {
                processors = _cpus.Build(_buffer, _strings, out signatureProblems);
            }
            catch (ArgumentException)
            {
                // StringCache decodes strictly: a CPU string that is not UTF-8 is broken input, not a brand string.
                throw Fail(DiagnosticCodes.InventoryInvalidJson, LocationAtBufferIndex(hostStart), $"host '{_name}': a meta.cpu string is not valid UTF-8");
            }

            foreach (var (tokenIndex, text) in signatureProblems)
            {
                _pendingDiagnostics.Add(new Diagnostic(
                    DiagnosticCodes.CpuSignatureUnparseable,
                    DiagnosticSeverity.Warning,
                    LocationAtBufferIndex(tokenIndex),
                    $"host '{_name}': CPU family/model/stepping {text} is not decimal; the processor is kept without a signature"));
            }

            if (processors.All(p => p.VendorId is null && p.BrandString is null))
            {
                note = "meta.cpu entries carry neither vendor_id nor model_name";
            }
        }

        return new Host(
            _id,
            _name,
            _displayName,
            _status,
            _isRetired,
            BuildRoles(),
            CloudMapping.From(_cloudProvider, _instanceType, _vmSize, _customIdentifier),
            processors,
            _osName,
            note,
            Provenance: _customIdentifier is null ? null : new HostProvenance([], [.. Core.Inventory.HostKey.FromCustomIdentifier(_customIdentifier)]));
    }

    private ImmutableArray<RoleRef> BuildRoles()
    {
        if (!_rolesSeen && _roleFullnamesSeen)
        {
            foreach (var full in _roleFullnames)
            {
                var colon = full.IndexOf(':', StringComparison.Ordinal);
                _roles.Add(colon >= 0 ? new RoleRef(full[..colon], full[(colon + 1)..]) : new RoleRef(full, ""));
            }
        }

        if (_roles.Count == 0)
        {
            return [];
        }

        _roles.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Service, b.Service);
            return c != 0 ? c : string.CompareOrdinal(a.Role, b.Role);
        });
        var builder = ImmutableArray.CreateBuilder<RoleRef>(_roles.Count);
        foreach (var role in _roles)
        {
            if (builder.Count == 0 || builder[^1] != role)
            {
                builder.Add(role);
            }
        }

        return builder.DrainToImmutable();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key HostKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            2 when k.SequenceEqual("id"u8) => Key.Id,
            4 when k.SequenceEqual("name"u8) => Key.Name,
            4 when k.SequenceEqual("meta"u8) => Key.Meta,
            5 when k.SequenceEqual("roles"u8) => Key.Roles,
            6 when k.SequenceEqual("status"u8) => Key.Status,
            9 when k.SequenceEqual("isRetired"u8) => Key.IsRetired,
            11 when k.SequenceEqual("displayName"u8) => Key.DisplayName,
            13 when k.SequenceEqual("roleFullnames"u8) => Key.RoleFullnames,
            16 when k.SequenceEqual("customIdentifier"u8) => Key.CustomIdentifier,
            _ => Key.Other,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key MetaKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            3 when k.SequenceEqual("cpu"u8) => Key.Cpu,
            5 when k.SequenceEqual("cloud"u8) => Key.Cloud,
            6 when k.SequenceEqual("kernel"u8) => Key.Kernel,
            _ => Key.Other,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key CloudKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            8 when k.SequenceEqual("provider"u8) => Key.Provider,
            8 when k.SequenceEqual("metadata"u8) => Key.Metadata,
            13 when k.SequenceEqual("instance-type"u8) => Key.InstanceType,
            22 when k.SequenceEqual("virtualMachineSizeType"u8) => Key.VirtualMachineSizeType,
            _ => Key.Other,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key CpuKey(ref Utf8JsonReader r)
    {
        var k = KeyBytes(ref r);
        return k.Length switch
        {
            5 when k.SequenceEqual("model"u8) => Key.Model,
            6 when k.SequenceEqual("family"u8) => Key.Family,
            8 when k.SequenceEqual("stepping"u8) => Key.Stepping,
            9 when k.SequenceEqual("vendor_id"u8) => Key.VendorId,
            10 when k.SequenceEqual("model_name"u8) => Key.ModelName,
            11 when k.SequenceEqual("physical_id"u8) => Key.PhysicalId,
            _ => Key.Other,
        };
    }

    /// <summary>The property name's unescaped bytes (escaped names are rare: they take the allocating path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<byte> KeyBytes(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped)
        {
            return r.ValueSpan;
        }

        if (r.ValueSpan.Length > 256)
        {
            return default;
        }

        try
        {
            return Encoding.UTF8.GetBytes(r.GetString()!);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
