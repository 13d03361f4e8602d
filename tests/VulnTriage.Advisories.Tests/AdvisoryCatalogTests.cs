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

    // ---- Hostile files in a user directory (issue 16's attack, applied to --advisories) --------------------------------

    [Theory]
    [InlineData("fifo")]
    [InlineData("link-to-fifo")]
    [InlineData("link-to-dev-zero")]
    [InlineData("empty")]
    public async Task Should_Name_The_File_And_Never_Block_When_An_Advisory_Is_Not_A_Regular_File(string kind)
    {
        // Given: a directory with one advisory "file" that is a FIFO (opening it would block until a writer comes), a
        // link to one, a link to /dev/zero (never ends), or an empty file
        Assert.SkipUnless(OperatingSystem.IsLinux(), "FIFOs and /dev/zero as on Linux");
        var dir = Directory.CreateTempSubdirectory("vt-adv-").FullName;
        var target = Path.Combine(dir, "ACME-SA-00001.yaml");
        switch (kind)
        {
            case "fifo":
                MakeFifo(target);
                break;
            case "link-to-fifo":
                MakeFifo(Path.Combine(dir, "pipe"));
                File.CreateSymbolicLink(target, Path.Combine(dir, "pipe"));
                break;
            case "link-to-dev-zero":
                File.CreateSymbolicLink(target, "/dev/zero");
                break;
            default:
                File.WriteAllText(target, "");
                break;
        }

        // When: loaded on another thread, so that a regression fails the test instead of hanging the run
        var load = Task.Run(() => AdvisoryCatalog.Load(dir), TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        // Then: one located error naming the file
        Assert.True(ReferenceEquals(first, load), "loading the advisories blocked on a file that is not a regular file");
        var e = await Assert.ThrowsAsync<InputException>(() => load);
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(DiagnosticCodes.AdvisoryDirectoryUnreadable, d.Code);
        Assert.Contains("ACME-SA-00001.yaml", d.Location.ToString(), StringComparison.Ordinal);
        Assert.Contains("not a regular file", d.Message, StringComparison.Ordinal);
    }

    private static void MakeFifo(string path)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    // ---- LoadFor (issue 13): only what a run asks for, in parallel, as strictly --------------------------------------

    [Fact]
    public void Should_Name_Every_Embedded_Advisory_By_Its_File_Name_When_Loading_By_Id()
    {
        // Given: LoadFor finds an embedded advisory by its file name, so every shipped file must be named by its id
        foreach (var name in AdvisoryCatalog.EmbeddedNames)
        {
            // When
            var advisory = Assert.Single(AdvisoryCatalog.LoadFor([Path.GetFileNameWithoutExtension(name)], null).Advisories);

            // Then
            Assert.Equal(Path.GetFileNameWithoutExtension(name), advisory.Id);
        }
    }

    [Theory]
    [InlineData("INTEL-SA-00086")]
    [InlineData("intel-sa-00086")]
    [InlineData("CVE-2017-5705")]
    public void Should_Load_Only_The_Advisory_Asked_For_When_Named_By_Id_Or_Cve(string id)
    {
        // When
        var catalog = AdvisoryCatalog.LoadFor([id], null);

        // Then: the advisory (a CVE id loads the files that mention it; the caller resolves it exactly)
        Assert.Contains(catalog.Advisories, a => a.Id == "INTEL-SA-00086");
        Assert.Equal(AdvisoryCatalog.EmbeddedIds, catalog.KnownIds);
    }

    [Fact]
    public void Should_Load_Nothing_Yet_Know_Every_Id_When_The_Id_Is_Unknown()
    {
        // When
        var catalog = AdvisoryCatalog.LoadFor(["ACME-SA-12345"], null);

        // Then: the "unknown advisory" message can still list every advisory
        Assert.Empty(catalog.Advisories);
        Assert.Contains("INTEL-SA-00086", catalog.KnownIds);
    }

    [Fact]
    public void Should_Still_Refuse_A_User_File_That_Reuses_A_Shipped_Id_When_The_Shipped_One_Is_Not_Loaded()
    {
        // Given a copy of INTEL-SA-00086 under another file name, and a run that asks for another advisory
        var dir = Directory.CreateTempSubdirectory("vt-adv-");
        File.WriteAllText(Path.Combine(dir.FullName, "copy.yaml"), AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml"));

        // When
        var e = Assert.Throws<InputException>(() => AdvisoryCatalog.LoadFor(["ACME-SA-1"], dir.FullName));

        // Then
        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.AdvisoryDuplicateId && d.Message.Contains("INTEL-SA-00086", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Load_Every_Advisory_And_Check_A_User_Directory_Whole_When_All_Are_Asked_For()
    {
        // Given a user directory with one good advisory and one broken file
        var dir = Directory.CreateTempSubdirectory("vt-adv-");
        var text = AdvisoryCatalog.ReadEmbedded("advisories/intel/INTEL-SA-00086.yaml").Replace("id: INTEL-SA-00086", "id: ACME-SA-00001", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir.FullName, "ACME-SA-00001.yaml"), text);

        // When
        var catalog = AdvisoryCatalog.LoadFor([], dir.FullName, all: true);
        File.WriteAllText(Path.Combine(dir.FullName, "broken.yaml"), "id: [");
        var e = Assert.Throws<InputException>(() => AdvisoryCatalog.LoadFor(["INTEL-SA-00086"], dir.FullName));

        // Then: everything loaded; and a broken file of your own fails a run even when another advisory is asked for
        Assert.Equal(AdvisoryCatalog.EmbeddedNames.Length + 1, catalog.Advisories.Length);
        Assert.Contains(e.Diagnostics, d => d.Location.Source.EndsWith("broken.yaml", StringComparison.Ordinal));
    }
}
