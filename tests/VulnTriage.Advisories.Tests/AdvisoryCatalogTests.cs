using VulnTriage.Core.Diagnostics;

namespace VulnTriage.Advisories.Tests;

public sealed class AdvisoryCatalogTests
{
    [Fact]
    public void Should_Contain_The_Shipped_Advisory_When_No_User_Directory()
    {
        // When
        var catalog = AdvisoryCatalog.Load(null);

        // Then
        Assert.NotNull(catalog.Find("intel-sa-00086"));
    }

    [Fact]
    public void Should_Fail_On_Duplicate_Id_When_A_User_File_Reuses_A_Shipped_Id()
    {
        // Given
        var dir = Directory.CreateTempSubdirectory("vt-adv-");
        File.WriteAllText(Path.Combine(dir.FullName, "copy.yaml"), AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml"));

        // When
        var e = Assert.Throws<InputException>(() => AdvisoryCatalog.Load(dir.FullName));

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryDuplicateId);
    }

    [Fact]
    public void Should_Load_A_User_Advisory_When_Its_Id_Is_New()
    {
        // Given
        var dir = Directory.CreateTempSubdirectory("vt-adv-");
        var text = AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml").Replace("id: INTEL-SA-00086", "id: ACME-SA-00001", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir.FullName, "ACME-SA-00001.yaml"), text);

        // When
        var catalog = AdvisoryCatalog.Load(dir.FullName);

        // Then
        Assert.NotNull(catalog.Find("ACME-SA-00001"));
        Assert.Equal(AdvisoryCatalog.EmbeddedNames.Length + 1, catalog.Advisories.Length);
    }

    [Fact]
    public void Should_Fail_With_Code_When_The_Directory_Does_Not_Exist()
    {
        // When
        var e = Assert.Throws<InputException>(() => AdvisoryCatalog.Load("/nonexistent/vulntriage"));

        // Then
        Assert.Equal(DiagnosticCodes.AdvisoryDirectoryUnreadable, e.Diagnostics[0].Code);
    }
}
