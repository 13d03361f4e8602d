using System.Reflection;
using System.Runtime.CompilerServices;

namespace VulnTriage.Core.Tests;

/// <summary>Core is immutable: no public type may expose a setter other than <c>init</c> (as NodaTime's MutabilityTest).</summary>
public sealed class MutabilityTests
{
    [Fact]
    public void Should_Have_No_Public_Setters_When_Scanning_Core_Types()
    {
        // Given
        var types = typeof(VulnTriage.Core.Inventory.Host).Assembly.GetExportedTypes();

        // When
        var mutable = types
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(p => p.SetMethod is { IsPublic: true } setter
                    && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();

        // Then
        Assert.NotEmpty(types);
        Assert.Empty(mutable);
    }
}
