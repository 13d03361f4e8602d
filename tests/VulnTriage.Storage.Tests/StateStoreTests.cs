using System.Collections.Immutable;
using VulnTriage.Core.Access;
using VulnTriage.Core.Advisories;
using VulnTriage.Core.Decisions;
using VulnTriage.Core.Identification;
using VulnTriage.Core.Matching;
using VulnTriage.Storage.Migrations;

namespace VulnTriage.Storage.Tests;

/// <summary>The store's contract, run against SQLite and PostgreSQL alike (one derived class per store).</summary>
public abstract class StateStoreTests
{
    protected abstract StoreKind Kind { get; }

    private TestStore NewStore() => TestStore.Create(Kind);

    private IReadOnlyList<Migration> Migrations => Kind == StoreKind.Postgres ? MigrationSet.Postgres : MigrationSet.Sqlite;

    internal static Decision D(string id, SelectorKind kind = SelectorKind.Host, string value = "db01.dc1.example.com", Verdict verdict = Verdict.NotAffected) =>
        new(id, "INTEL-SA-00086", new DecisionSelector(kind, value), verdict, VexJustification.VulnerableCodeNotPresent,
            "Dell lists the R740 SPS 4.1.4 as fixed", "https://www.dell.com/support/kbdoc/000177138", "alice", TestStore.Now);

    private static SavedFinding F(string host, Verdict verdict, params Evidence[] evidence) =>
        new("INTEL-SA-00086", "id-" + host, host, verdict, Stage.Cpu, null, null, [.. evidence.Select(e => e.Clause)]) { Evidence = [.. evidence] };

    /// <summary>Every field of an evidence record set, with hostile strings (markup, quotes, control and bidi characters).</summary>
    internal static Evidence Hostile(string clause) => new(clause, EvidenceKind.CandidateCpu, [new EvidenceFact("cpu.model_name", "Intel(R) <script>alert(1)</script> \"Xeon\" \u202Egnp.exe\n", "meta.cpu[0] (hosts.json:12)")])
    {
        Verdict = Verdict.NeedsConfirmation,
        Predicates = [new PredicateResult("cpu.microarchitecture", "in [skylake, kaby-lake]", "skylake", "signature 06_55_4", Truth.True), new PredicateResult("cpu.model_number", "Gold 6130", "unknown", "brand string", Truth.Unknown)],
        Subject = "Intel Xeon Gold 6130 ' OR 1=1 --",
        RuleId = "xeon-scalable-1st-gen",
        RuleTitle = new LocalizedText("Xeon Scalable (1st gen)", "Xeon スケーラブル（第1世代）"),
        Note = new LocalizedText("Check the SPS version.", "SPS のバージョンを確認してください。"),
        Missing = ["cpu.stepping"],
        Detail = "me/sps",
        Scope = CpuRuleScope.Listed,
        Decision = D("d-7") with { AllVerdicts = true, Revokes = null },
    };

    [Fact]
    public void Should_Apply_Every_Migration_When_Opening_A_New_Store()
    {
        // Given
        using var tmp = NewStore();

        // When
        using var db = tmp.Open();

        // Then
        Assert.Equal(Migrations.Count, db.SchemaVersion);
        Assert.Equal(5, Migrations.Count);
        Assert.Equal(Migrations.Count, Convert.ToInt32(tmp.Scalar("SELECT COUNT(*) FROM schema_version"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_Name_The_Same_Migrations_In_Both_Dialects()
    {
        Assert.Equal(MigrationSet.Sqlite.Select(m => m.Name), MigrationSet.Postgres.Select(m => m.Name));
    }

    [Fact]
    public void Should_Keep_Data_And_Not_Migrate_Twice_When_Reopening()
    {
        // Given
        using var tmp = NewStore();
        using (var db = tmp.Open())
        {
            db.AddDecision(D("d-1"));
        }

        // When
        using var again = tmp.Open();

        // Then
        Assert.Equal(Migrations.Count, again.SchemaVersion);
        Assert.Equal(D("d-1"), Assert.Single(again.Decisions()));
        Assert.Equal(Migrations.Count, Convert.ToInt32(tmp.Scalar("SELECT COUNT(*) FROM schema_version"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_Record_A_Revocation_As_A_New_Record_When_Revoking()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        db.AddDecision(D("d-1"));

        // When
        var revocation = db.Revoke("d-1", "d-2", "bob", "vendor page withdrawn", TestStore.Now.AddDays(1));

        // Then
        var trail = db.Decisions();
        Assert.Equal(["d-1", "d-2"], trail.Select(d => d.Id));
        Assert.Equal(D("d-1"), trail[0]);
        Assert.Equal("d-1", revocation.Revokes);
        Assert.Equal(trail[1], revocation);
        Assert.Equal(revocation, db.FindDecision("d-2"));
        Assert.Null(db.FindDecision("d-9"));
        Assert.Empty(DecisionVocabulary.Active(trail));
    }

    [Fact]
    public void Should_Refuse_When_Revoking_Twice_Or_An_Unknown_Id()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        db.AddDecision(D("d-1"));
        db.Revoke("d-1", "d-2", "bob", "withdrawn", TestStore.Now);

        // When / Then
        Assert.Throws<InvalidOperationException>(() => db.Revoke("d-1", "d-3", "bob", "again", TestStore.Now));
        Assert.Throws<InvalidOperationException>(() => db.Revoke("d-2", "d-3", "bob", "a revocation", TestStore.Now));
        Assert.Throws<KeyNotFoundException>(() => db.Revoke("d-9", "d-3", "bob", "unknown", TestStore.Now));
        Assert.Equal(2, db.Decisions().Length);
    }

    [Fact]
    public void Should_Revoke_Once_When_Two_Writers_Revoke_The_Same_Decision_At_Once()
    {
        // Given
        using var tmp = NewStore();
        using (var db = tmp.Open())
        {
            db.AddDecision(D("d-1"));
        }

        // When: eight writers, each with its own store instance (connection), race to revoke d-1
        var outcomes = new string[8];
        Parallel.For(0, outcomes.Length, i =>
        {
            using var db = tmp.Open();
            try
            {
                db.Revoke("d-1", $"r-{i}", "bob", "withdrawn", TestStore.Now);
                outcomes[i] = "revoked";
            }
            catch (InvalidOperationException)
            {
                outcomes[i] = "refused";
            }
        });

        // Then
        Assert.Single(outcomes, o => o == "revoked");
        using var check = tmp.Open();
        Assert.Equal(2, check.Decisions().Length);
    }

    [Theory]
    [InlineData("UPDATE decisions SET verdict = 'affected'")]
    [InlineData("DELETE FROM decisions")]
    [InlineData("UPDATE decisions SET justification = 'rewritten' WHERE id = 'd-1'")]
    public void Should_Refuse_When_Something_Tries_To_Rewrite_The_Audit_Trail(string sql)
    {
        // Given
        using var tmp = NewStore();
        using (var db = tmp.Open())
        {
            db.AddDecision(D("d-1"));
        }

        // When
        var e = Assert.ThrowsAny<System.Data.Common.DbException>(() => tmp.Execute(sql));

        // Then
        Assert.Contains("append-only", e.Message, StringComparison.Ordinal);
        using var check = tmp.Open();
        Assert.Equal(D("d-1"), Assert.Single(check.Decisions()));
    }

    [Fact]
    public void Should_Round_Trip_A_Run_And_Count_Progress_When_Saving_Runs()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        var f1 = new SavedFinding("INTEL-SA-00086", "h1", "db01", Verdict.NotAffected, Stage.Decision, new MachineVerdict(Verdict.NeedsConfirmation, Stage.Cpu), "d-1", ["INTEL-SA-00086#decision/d-1", "INTEL-SA-00086#cpu/x"]);
        var f2 = new SavedFinding("INTEL-SA-00086", "h2", "db02", Verdict.Affected, Stage.Firmware, null, null, ["INTEL-SA-00086#firmware/y"]);
        var run1 = new SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [f1, f2]);
        var run2 = run1 with { Id = "r-2", SavedAt = TestStore.Now.AddDays(7), Findings = [f1, f2 with { Verdict = Verdict.Fixed }] };

        // When
        db.SaveRun(run1);
        db.SaveRun(run2);

        // Then
        Assert.Equal(["r-1", "r-2"], db.RunIds("INTEL-SA-00086"));
        var loaded = db.LoadRun("r-1")!;
        static object Key(SavedFinding f) => (f.AdvisoryId, f.HostId, f.HostName, f.Verdict, f.Stage, f.Machine, f.DecisionId, string.Join('|', f.Clauses));
        Assert.Equal(run1.Findings.Select(Key), loaded.Findings.Select(Key));
        Assert.Equal(run1.SavedAt, loaded.SavedAt);
        Assert.Null(loaded.Error);
        var progress = db.Progress("INTEL-SA-00086");
        Assert.Equal([1, 0], progress.Select(p => p.Counts.Affected));
        Assert.Equal([0, 1], progress.Select(p => p.Counts.Fixed));
        Assert.Equal([1, 1], progress.Select(p => p.Counts.NotAffected));
        Assert.Empty(db.RunIds("INTEL-SA-00115"));
        Assert.Null(db.LoadRun("r-9"));
    }

    [Fact]
    public void Should_Keep_The_Last_Finding_When_A_Run_Repeats_A_Host()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();

        // When
        db.SaveRun(new SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [F("a", Verdict.Affected), F("a", Verdict.Fixed), F("b", Verdict.Unknown)]));

        // Then
        Assert.Equal([("id-a", Verdict.Fixed), ("id-b", Verdict.Unknown)], db.LoadRun("r-1")!.Findings.Select(f => (f.HostId, f.Verdict)));
    }

    [Fact]
    public void Should_Give_Back_Every_Evidence_Field_When_A_Run_Is_Loaded()
    {
        // Given: evidence with every field set and hostile text; two hosts share one evidence array, a third has its own
        using var tmp = NewStore();
        using var db = tmp.Open();
        ImmutableArray<Evidence> shared = [Hostile("INTEL-SA-00086#cpu/xeon-scalable-1st-gen"), new Evidence("INTEL-SA-00086#firmware/sps-4", EvidenceKind.FirmwareRule, []) { Verdict = Verdict.Affected }];
        var own = Hostile("INTEL-SA-00086#cpu/other") with { Subject = "NUL \0 inside", Scope = CpuRuleScope.Excluded, Decision = null, Note = null };
        var run = new SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"],
        [
            F("a", Verdict.NeedsConfirmation) with { Evidence = shared },
            F("b", Verdict.NeedsConfirmation) with { Evidence = shared },
            F("c", Verdict.NotAffected, own),
            F("d", Verdict.Unknown),
        ]);

        // When
        db.SaveRun(run);
        var loaded = db.LoadRun("r-1")!.Findings.ToDictionary(f => f.HostName);

        // Then: field by field (EvidenceJson writes every field), the NUL kept exactly in JSON (both stores)
        Assert.Equal(EvidenceJson.Write(shared), EvidenceJson.Write(loaded["a"].Evidence));
        Assert.Equal(EvidenceJson.Write([own]), EvidenceJson.Write(loaded["c"].Evidence));
        Assert.Empty(loaded["d"].Evidence);
        var e = loaded["a"].Evidence[0];
        Assert.Equal(shared[0].Predicates, e.Predicates);
        Assert.Equal(shared[0].Facts, e.Facts);
        Assert.Equal(shared[0].Decision, e.Decision);
        Assert.Equal(shared[0].RuleTitle, e.RuleTitle);
        Assert.Equal(["cpu.stepping"], e.Missing);
        Assert.Equal("NUL \0 inside", loaded["c"].Evidence[0].Subject);
        Assert.Equal(2L, Convert.ToInt64(tmp.Scalar("SELECT COUNT(*) FROM run_evidence"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_Give_Back_The_Host_Context_And_Teams_When_A_Run_Is_Loaded()
    {
        // Given: two hosts alike (one context row) and a hostile one; a service → team map
        using var tmp = NewStore();
        using var db = tmp.Open();
        var context = new FindingContext(
            Core.Inventory.HostStatus.Maintenance,
            "db <b>one</b>",
            [new Core.Inventory.RoleRef("Payments", "db")],
            new Core.Inventory.CloudInfo(Core.Inventory.CloudProvider.Aws, "ec2", "m5.large", "meta.cloud.provider"),
            [new Core.Inventory.ProcessorFact("GenuineIntel", "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", new Core.Inventory.CpuSignature(6, 85, 4), 32, 2, "meta.cpu", "meta.cpu family/model/stepping")],
            "linux",
            null,
            [new Core.Inventory.HostLabel("team", "payments-sre", "osquery decorations")],
            ["hosts.json"],
            HostEnvironment.Aws,
            [new ProcessorIdentity(CpuVendor.Intel, "Xeon Scalable", "Gold 6130", 1, "skylake", "Skylake-SP", MarketSegment.Server, false, null, IdentificationConfidence.High, "brand string", "Intel Xeon Gold 6130 CPU @ 2.10GHz", new Core.Inventory.CpuSignature(6, 85, 4))],
            ["CVE-2017-5705"],
            new FindingAction(ActionKind.UpdateFirmware, new LocalizedText("Update", "更新"), "INTEL-SA-00086"),
            new Core.Inventory.PlatformInfo("Dell Inc.", "PowerEdge R740", null, "2.8.1", null, null, null));
        var hostile = context with { DisplayName = "x\0\u202E<script>", Status = Core.Inventory.HostStatus.PowerOff, HostProcessors = [], Processors = [] };
        var run = new SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"],
        [
            F("a", Verdict.Affected) with { Context = context },
            F("b", Verdict.Affected) with { Context = context with { } },
            F("c", Verdict.Unknown) with { Context = hostile },
            F("d", Verdict.Unknown),
        ])
        {
            ServiceTeams = ImmutableDictionary<string, string>.Empty.Add("Payments", "payments-sre"),
        };

        // When
        db.SaveRun(run);
        var loaded = db.LoadRun("r-1")!;
        var byName = loaded.Findings.ToDictionary(f => f.HostName);

        // Then: field by field through the JSON form, hosts alike stored once, and the finding rebuilt for the writers
        Assert.Equal(FindingContextJson.Write(context), FindingContextJson.Write(byName["a"].Context!));
        Assert.Equal(FindingContextJson.Write(hostile), FindingContextJson.Write(byName["c"].Context!));
        Assert.Null(byName["d"].Context);
        Assert.Equal(2L, Convert.ToInt64(tmp.Scalar("SELECT COUNT(*) FROM run_contexts"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("payments-sre", loaded.ServiceTeams["Payments"]);
        var finding = byName["a"].ToFinding();
        Assert.Equal(Core.Inventory.HostStatus.Maintenance, finding.Host.Status);
        Assert.Equal("Gold 6130", finding.Processors[0].ModelNumber);
        Assert.Equal(new Core.Inventory.CpuSignature(6, 85, 4), finding.Host.Processors[0].Signature);
        Assert.Equal(ActionKind.UpdateFirmware, finding.Action.Kind);
        Assert.Equal("更新", finding.Action.Detail!.Ja);
        Assert.Equal(HostEnvironment.Aws, finding.Environment);
        Assert.Equal(Core.Inventory.HostStatus.Unknown, byName["d"].ToFinding().Host.Status);
    }

    [Fact]
    public void Should_Give_The_Lease_To_One_Holder_Until_It_Expires_Or_Is_Released()
    {
        // Given
        using var tmp = NewStore();
        using var a = tmp.Open();
        using var b = tmp.Open();
        var now = TestStore.Now;

        // When / Then: a takes it; b cannot while it lasts; a renews; b takes it once it expired; a released nothing of b's
        Assert.True(a.TryTakeLease("triage", "server-a", now, now.AddMinutes(5)));
        Assert.False(b.TryTakeLease("triage", "server-b", now.AddMinutes(1), now.AddMinutes(6)));
        Assert.True(a.TryTakeLease("triage", "server-a", now.AddMinutes(2), now.AddMinutes(7)));
        Assert.False(b.TryTakeLease("triage", "server-b", now.AddMinutes(6), now.AddMinutes(11)));
        Assert.True(b.TryTakeLease("triage", "server-b", now.AddMinutes(8), now.AddMinutes(13)));
        a.ReleaseLease("triage", "server-a");
        Assert.False(a.TryTakeLease("triage", "server-a", now.AddMinutes(9), now.AddMinutes(14)));
        b.ReleaseLease("triage", "server-b");
        Assert.True(a.TryTakeLease("triage", "server-a", now.AddMinutes(9), now.AddMinutes(14)));
    }

    [Fact]
    public void Should_Give_The_Lease_To_Exactly_One_When_Eight_Servers_Race_For_It()
    {
        // Given
        using var tmp = NewStore();
        using (tmp.Open())
        {
        }

        // When
        var winners = 0;
        Parallel.For(0, 8, i =>
        {
            using var db = tmp.Open();
            if (db.TryTakeLease("triage", "server-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), TestStore.Now, TestStore.Now.AddMinutes(5)))
            {
                Interlocked.Increment(ref winners);
            }
        });

        // Then
        Assert.Equal(1, winners);
    }

    [Fact]
    public void Should_Save_The_Run_When_A_Host_Name_Carries_A_Nul_Or_Other_Hostile_Characters()
    {
        // Given: host names from an attacker-controlled inventory (PostgreSQL's text cannot hold U+0000)
        using var tmp = NewStore();
        using var db = tmp.Open();
        var hostile = "db01\0'; DROP TABLE runs; --\u202E<svg onload=alert(1)>\n";

        // When
        db.SaveRun(new SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [F(hostile, Verdict.Affected), F("web01", Verdict.Fixed)]));
        db.AddDecision(D("d-1", SelectorKind.Host, hostile) with { Justification = "pasted from a form \0 with a NUL" });

        // Then: nothing lost but the NUL itself, which PostgreSQL stores as U+FFFD
        var expected = Kind == StoreKind.Postgres ? hostile.Replace('\0', '\uFFFD') : hostile;
        var loaded = db.LoadRun("r-1")!;
        Assert.Equal([expected, "web01"], loaded.Findings.Select(f => f.HostName).Order(StringComparer.Ordinal));
        Assert.Equal(expected, db.Decisions()[0].Selector.Value);
        Assert.Equal(2, db.Progress("INTEL-SA-00086")[0].Counts.Total);
    }

    [Fact]
    public void Should_Record_A_Failed_Run_With_Its_Error_And_Leave_It_Out_Of_Diffs_And_Progress()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        db.SaveRun(new SavedRun("r-1", TestStore.Now, "mackerel", "0.1.0", ["INTEL-SA-00086"], [F("a", Verdict.Affected)]));

        // When
        db.SaveRun(SavedRun.FailedRun("r-2", TestStore.Now.AddHours(1), "mackerel", "0.1.0", ["INTEL-SA-00086"], "mackerel: the API cannot be reached: connection refused"));

        // Then
        Assert.Equal(["r-1"], db.RunIds("INTEL-SA-00086"));
        Assert.Equal(["r-1"], db.Progress("INTEL-SA-00086").Select(p => p.RunId));
        var runs = db.Runs();
        Assert.Equal([("r-1", 1, (string?)null), ("r-2", 0, "mackerel: the API cannot be reached: connection refused")], runs.Select(r => (r.Id, r.Findings, r.Error)));
        Assert.Equal(["INTEL-SA-00086"], runs[1].Advisories);
        Assert.Equal(TestStore.Now.AddHours(1), runs[1].SavedAt);
        var failed = db.LoadRun("r-2")!;
        Assert.True(failed.Failed);
        Assert.Empty(failed.Findings);
        Assert.Throws<ArgumentException>(() => db.SaveRun(SavedRun.FailedRun("r-3", TestStore.Now, "x", "0.1.0", [], "boom") with { Findings = [F("a", Verdict.Affected)] }));
    }

    [Fact]
    public void Should_Leave_Nothing_Behind_When_Saving_A_Run_Fails_Half_Way()
    {
        // Given: a trigger (added outside VulnTriage) that makes the third finding's insert fail
        using var tmp = NewStore();
        using (var db = tmp.Open())
        {
            db.SaveRun(new SavedRun("r-1", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"], [F("a", Verdict.Affected)]));
        }

        tmp.Execute(Kind == StoreKind.Postgres
            ? """
              CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.host_id = 'id-boom' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END; $$;
              CREATE TRIGGER boom BEFORE INSERT ON run_findings FOR EACH ROW EXECUTE FUNCTION boom();
              """
            : "CREATE TRIGGER boom BEFORE INSERT ON run_findings WHEN NEW.host_id = 'id-boom' BEGIN SELECT RAISE(ABORT, 'disk full'); END;");

        // When
        using var store = tmp.Open();
        var e = Assert.Throws<StateDatabaseException>(() => store.SaveRun(new SavedRun("r-2", TestStore.Now, "hosts.json", "0.1.0", ["INTEL-SA-00086"],
            [F("b", Verdict.Affected, Hostile("x#cpu/y")), F("c", Verdict.Affected), F("boom", Verdict.Affected), F("d", Verdict.Affected)])));

        // Then
        Assert.Contains("disk full", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(store.Location + ": write failed", e.Message, StringComparison.Ordinal);
        Assert.Equal(["r-1"], store.Runs().Select(r => r.Id));
        Assert.Equal(1L, Convert.ToInt64(tmp.Scalar("SELECT COUNT(*) FROM run_findings"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(tmp.Scalar("SELECT COUNT(*) FROM run_evidence"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_Read_And_Refuse_To_Write_When_Opened_Read_Only()
    {
        // Given
        using var tmp = NewStore();
        using (var db = tmp.Open())
        {
            db.AddDecision(D("d-1"));
        }

        // When
        using var ro = tmp.OpenReadOnly();

        // Then
        Assert.True(ro.IsReadOnly);
        Assert.Equal(D("d-1"), Assert.Single(ro.Decisions()));
        Assert.Throws<InvalidOperationException>(() => ro.AddDecision(D("d-2")));
        Assert.Single(ro.Decisions());
    }

    [Fact]
    public void Should_Refuse_To_Open_Read_Only_When_The_Store_Was_Never_Made()
    {
        // Given
        using var tmp = NewStore();

        // When
        var e = Assert.Throws<StateDatabaseException>(() => tmp.OpenReadOnly());

        // Then
        Assert.Contains("no ", e.Message, StringComparison.Ordinal);
        Assert.False(StateStores.Exists(tmp.Location));
    }

    // --- API tokens ---

    [Fact]
    public void Should_Authenticate_The_Token_It_Created_And_Nothing_Else()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        var (token, secret) = db.CreateToken("t-0001", "alice", Role.Decider, TestStore.Now);

        // When
        var principal = db.Authenticate(secret, TestStore.Now.AddMinutes(5));

        // Then
        Assert.Equal(new Principal("t-0001", "alice", Role.Decider), principal);
        Assert.Equal(new ApiToken("t-0001", "alice", Role.Decider, TestStore.Now, null, null), token);
        Assert.True(TokenSecrets.TryParse(secret, out var id, out var raw));
        Assert.Equal("t-0001", id);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(raw).Length);
        var wrong = secret[..^2] + (secret[^2] == 'A' ? "BA" : "AA");
        foreach (var bad in new[] { wrong, "vt_t-0002_" + raw, "vt_t-0001_", "t-0001_" + raw, "", "Bearer " + secret, secret + "x", secret.ToUpperInvariant(), "vt_t-0001\0_" + raw })
        {
            Assert.Null(db.Authenticate(bad, TestStore.Now));
        }
    }

    [Fact]
    public void Should_Keep_Only_A_Salted_Hash_When_Creating_Tokens()
    {
        // Given
        using var tmp = NewStore();
        string s1, s2;
        using (var db = tmp.Open())
        {
            s1 = db.CreateToken("t-0001", "alice", Role.Viewer, TestStore.Now).Secret;
            s2 = db.CreateToken("t-0002", "bob", Role.Viewer, TestStore.Now).Secret;
        }

        // When: everything stored, as text
        var dump = Convert.ToString(tmp.Scalar(Kind == StoreKind.Postgres
            ? "SELECT string_agg(id || name || role || encode(salt, 'hex') || encode(hash, 'hex') || encode(convert_to(id || name, 'UTF8'), 'base64'), ' ') FROM api_tokens"
            : "SELECT group_concat(id || name || role || hex(salt) || hex(hash), ' ') FROM api_tokens"), System.Globalization.CultureInfo.InvariantCulture)!;

        // Then: no secret, and two tokens never share salt or hash
        Assert.True(TokenSecrets.TryParse(s1, out _, out var raw1));
        Assert.True(TokenSecrets.TryParse(s2, out _, out var raw2));
        Assert.DoesNotContain(raw1, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(raw2, dump, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(raw1, raw2);
        Assert.Equal(2L, Convert.ToInt64(tmp.Scalar("SELECT COUNT(DISTINCT salt) FROM api_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2L, Convert.ToInt64(tmp.Scalar("SELECT COUNT(DISTINCT hash) FROM api_tokens"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_Stop_Authenticating_And_Keep_The_Record_When_A_Token_Is_Revoked()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        var alice = db.CreateToken("t-0001", "alice", Role.Admin, TestStore.Now).Secret;
        var bob = db.CreateToken("t-0002", "bob", Role.Viewer, TestStore.Now).Secret;

        // When
        var byName = db.RevokeToken("alice", TestStore.Now.AddDays(1));
        var byId = db.RevokeToken("t-0002", TestStore.Now.AddDays(2));

        // Then
        Assert.Equal(("t-0001", (DateTimeOffset?)TestStore.Now.AddDays(1)), (byName.Id, byName.RevokedAt));
        Assert.Equal("bob", byId.Name);
        Assert.Null(db.Authenticate(alice, TestStore.Now.AddDays(3)));
        Assert.Null(db.Authenticate(bob, TestStore.Now.AddDays(3)));
        Assert.Equal([false, false], db.Tokens().Select(t => t.IsActive));
        Assert.Throws<InvalidOperationException>(() => db.RevokeToken("alice", TestStore.Now));
        Assert.Throws<KeyNotFoundException>(() => db.RevokeToken("carol", TestStore.Now));

        // …and the name is free again, for a new token with a new secret
        var again = db.CreateToken("t-0003", "alice", Role.Viewer, TestStore.Now.AddDays(4));
        Assert.Equal(new Principal("t-0003", "alice", Role.Viewer), db.Authenticate(again.Secret, TestStore.Now.AddDays(4)));
        Assert.Null(db.Authenticate(alice, TestStore.Now.AddDays(4)));
    }

    [Fact]
    public void Should_Refuse_A_Second_Active_Token_With_The_Same_Name_Or_A_Bad_Name()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        db.CreateToken("t-0001", "alice", Role.Viewer, TestStore.Now);

        // When / Then
        Assert.Throws<InvalidOperationException>(() => db.CreateToken("t-0002", "alice", Role.Admin, TestStore.Now));
        foreach (var name in new[] { "", "al ice", "alice\n", "<b>", new string('a', 65), "ａｌｉｃｅ", "t-0001", "t-3f9a1c0b7e" })
        {
            Assert.Throws<ArgumentException>(() => db.CreateToken("t-0003", name, Role.Viewer, TestStore.Now));
        }

        Assert.Single(db.Tokens());
    }

    [Fact]
    public void Should_Record_The_Last_Use_To_The_Minute_When_Authenticating()
    {
        // Given
        using var tmp = NewStore();
        using var db = tmp.Open();
        var secret = db.CreateToken("t-0001", "alice", Role.Viewer, TestStore.Now).Secret;

        // When
        db.Authenticate(secret, TestStore.Now.AddSeconds(90));
        var first = db.Tokens()[0].LastUsedAt;
        db.Authenticate(secret, TestStore.Now.AddSeconds(100));
        var same = db.Tokens()[0].LastUsedAt;
        db.Authenticate(secret, TestStore.Now.AddMinutes(10));

        // Then
        Assert.Equal(TestStore.Now.AddMinutes(1), first);
        Assert.Equal(first, same);
        Assert.Equal(TestStore.Now.AddMinutes(10), db.Tokens()[0].LastUsedAt);
    }

    [Theory]
    [InlineData("DELETE FROM api_tokens")]
    [InlineData("UPDATE api_tokens SET role = 'admin'")]
    [InlineData("UPDATE api_tokens SET name = 'mallory'")]
    [InlineData("UPDATE api_tokens SET revoked_at = NULL")]
    public void Should_Refuse_When_Something_Tries_To_Rewrite_A_Token(string sql)
    {
        // Given: a revoked viewer token
        using var tmp = NewStore();
        using (var db = tmp.Open())
        {
            db.CreateToken("t-0001", "alice", Role.Viewer, TestStore.Now);
            db.RevokeToken("alice", TestStore.Now);
        }

        // When
        var e = Assert.ThrowsAny<System.Data.Common.DbException>(() => tmp.Execute(sql));

        // Then
        Assert.Contains("api tokens", e.Message, StringComparison.Ordinal);
        using var check = tmp.Open();
        Assert.Equal(("alice", Role.Viewer, false), (check.Tokens()[0].Name, check.Tokens()[0].Role, check.Tokens()[0].IsActive));
    }

    [Theory]
    [InlineData(Role.Viewer, Role.Viewer, true)]
    [InlineData(Role.Viewer, Role.Decider, false)]
    [InlineData(Role.Decider, Role.Viewer, true)]
    [InlineData(Role.Decider, Role.Admin, false)]
    [InlineData(Role.Admin, Role.Decider, true)]
    [InlineData(Role.Admin, Role.Admin, true)]
    public void Should_Order_Roles_Viewer_Decider_Admin(Role held, Role required, bool allowed)
    {
        Assert.Equal(allowed, held.Allows(required));
        Assert.True(Roles.TryParse(held.ToWire(), out var parsed) && parsed == held);
    }
}

public sealed class SqliteStateStoreTests : StateStoreTests
{
    protected override StoreKind Kind => StoreKind.Sqlite;
}

public sealed class PostgresStateStoreTests : StateStoreTests
{
    protected override StoreKind Kind => StoreKind.Postgres;
}
