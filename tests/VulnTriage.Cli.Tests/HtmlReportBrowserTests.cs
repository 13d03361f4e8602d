using System.Diagnostics;

namespace VulnTriage.Cli.Tests;

/// <summary>
/// Opens the HTML report in a real browser (headless Chromium) and checks what the browser built from it:
/// hostile host names and CPU strings stay text, every section is there. .ci/run installs Chromium; on a
/// developer machine without it the test is skipped, never passed silently.
/// </summary>
public sealed class HtmlReportBrowserTests
{
    private static string? Chromium()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("VULNTRIAGE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string DumpDom(string chromium, string htmlPath, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("vt-chromium-").FullName;
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", .. extra, "--dump-dom", new Uri(htmlPath).AbsoluteUri,
        ];
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish");
        }

        return stdout.Result;
    }

    [Theory]
    [InlineData("en", "Conclusion")]
    [InlineData("ja", "結論")]
    public void Should_Keep_Hostile_Names_As_Text_When_A_Browser_Renders_The_Report(string lang, string conclusion)
    {
        // Given
        var chromium = Chromium();
        if (chromium is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have Chromium (.ci/run installs it)");
            Assert.Skip("Chromium is not installed (apt-get install chromium)");
        }

        var inventory = CliRunner.TempFile("""[{"id":"x1","name":"evil<script>document.title='pwned'</script><img src=x onerror=alert(1)>","status":"working","isRetired":false,"roles":{"Shop":["web"]},"meta":{"cpu":[{"vendor_id":"GenuineIntel","family":"6","model":"94","stepping":"3","model_name":"Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz <b>bold</b>"}]}}]""");
        var html = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.html");
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", inventory, "--format", "html", "--lang", lang, "--out", html);
        Assert.Equal(1, r.ExitCode);

        // When
        var dom = DumpDom(chromium, html);

        // Then: the browser built a page with the report's sections, and no element came from the inventory
        Assert.Contains(conclusion, dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>bold</b>", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<title>pwned", dom, StringComparison.Ordinal);
        Assert.Contains("evil&lt;script&gt;", dom, StringComparison.Ordinal);
    }

    private static bool HasJapaneseFont()
    {
        var psi = new ProcessStartInfo("fc-list", [":lang=ja", "family"]) { RedirectStandardOutput = true, UseShellExecute = false };
        try
        {
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return output.Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [Fact]
    public void Should_Keep_Short_Japanese_Cells_On_One_Line_When_A_Browser_Lays_Out_The_Japanese_Report()
    {
        // Given: Chromium with a Japanese font (Debian fonts-noto-cjk; .ci/run installs both)
        var chromium = Chromium();
        if (chromium is null || !HasJapaneseFont())
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have Chromium and fonts-noto-cjk (.ci/run installs them)");
            Assert.Skip("Chromium or a Japanese font is not installed (apt-get install chromium fonts-noto-cjk)");
        }

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        var html = Path.Combine(artifacts, "report-ja.html");
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--lang", "ja", "--out", html);
        Assert.Equal(1, r.ExitCode);

        // The same page with the policy that forbids scripts lifted and a measuring script added (test copy only):
        // for every header cell and every cell of the 状態/段階/判定 columns, how many lines the browser laid it out on.
        const string Measure = """
            <script>
            addEventListener('load', () => {
              const out = [];
              for (const table of document.querySelectorAll('table')) {
                const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
                // Line boxes of the cell's content (the cell itself stretches to its row): distinct tops of its text rects.
                const lines = el => { const range = document.createRange(); range.selectNodeContents(el);
                  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size; };
                table.querySelectorAll('thead th').forEach(th => out.push('th|' + th.textContent.trim() + '|' + lines(th)));
                for (const row of table.querySelectorAll('tbody tr')) {
                  [...row.children].forEach((td, i) => { if (['状態', '段階', '判定'].includes(heads[i])) out.push('td|' + heads[i] + ':' + td.textContent.trim() + '|' + lines(td)); });
                }
              }
              const pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = out.join('\n'); document.body.appendChild(pre);
            });
            </script>
            """;
        var page = File.ReadAllText(html);
        var instrumented = Path.Combine(artifacts, "report-ja.measure.html");
        File.WriteAllText(instrumented, System.Text.RegularExpressions.Regex.Replace(page, "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "").Replace("</body>", Measure + "</body>", StringComparison.Ordinal));

        // When: a laptop-width window, and a screenshot kept as the test's artefact
        var dom = DumpDom(chromium, instrumented, "--window-size=1280,900", "--virtual-time-budget=5000");
        DumpDom(chromium, html, "--window-size=1280,3000", $"--screenshot={Path.Combine(artifacts, "report-ja.png")}");

        // Then
        var start = dom.IndexOf("<pre id=\"measure\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "the measuring script did not run");
        var rows = System.Net.WebUtility.HtmlDecode(dom[(start + "<pre id=\"measure\">".Length)..dom.IndexOf("</pre>", start, StringComparison.Ordinal)])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('|'))
            .ToList();
        Assert.Contains(rows, x => x[0] == "th" && x[1] == "状態");
        Assert.Contains(rows, x => x[0] == "td" && x[1].StartsWith("段階:", StringComparison.Ordinal));
        Assert.All(rows, x => Assert.True(x[2] == "1", $"{x[0]} {x[1]} is laid out on {x[2]} lines (collapsed column)"));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    public void Should_Draw_The_Svg_Charts_When_A_Browser_Renders_The_Grouped_Report(string lang)
    {
        // Given: the sample fleet saved twice (remediation progress) and written in the grouped layout (issue 13)
        var chromium = Chromium();
        if (chromium is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have Chromium (.ci/run installs it)");
            Assert.Skip("Chromium is not installed (apt-get install chromium)");
        }

        var db = Path.Combine(Path.GetTempPath(), $"vt-{Path.GetRandomFileName()}.db");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(1, CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--db", db, "--save", "--format", "json", "--out", "/dev/null").ExitCode);
        }

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        var html = Path.Combine(artifacts, $"grouped-{lang}.html");
        var r = CliRunner.Run("triage", "INTEL-SA-00086", "--inventory", CliRunner.SampleInventory, "--facts", CliRunner.SampleFacts, "--db", db,
            "--detail", "summary", "--lang", lang, "--out", html);
        Assert.Equal(1, r.ExitCode);

        // The page with the policy lifted and a measuring script added (test copy only): what the browser laid out for each chart.
        const string Measure = """
            <script>
            addEventListener('load', () => {
              const out = [];
              for (const svg of document.querySelectorAll('figure.chart svg')) {
                const box = svg.getBoundingClientRect();
                const bars = [...svg.querySelectorAll('rect.bar')].map(b => b.getBBox().width);
                const lines = [...svg.querySelectorAll('polyline.line')].map(p => p.getTotalLength());
                out.push(`svg|${Math.round(box.width)}|${Math.round(box.height)}|${bars.length}|${bars.filter(w => w > 0).length}|${lines.length}|${lines.filter(l => l > 0).length}`);
              }
              const pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = out.join('\n'); document.body.appendChild(pre);
            });
            </script>
            """;
        var page = File.ReadAllText(html);
        var instrumented = Path.Combine(artifacts, $"grouped-{lang}.measure.html");
        File.WriteAllText(instrumented, System.Text.RegularExpressions.Regex.Replace(page, "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "").Replace("</body>", Measure + "</body>", StringComparison.Ordinal));

        // When
        var dom = DumpDom(chromium, instrumented, "--window-size=1280,900", "--virtual-time-budget=5000");
        DumpDom(chromium, html, "--window-size=1280,1400", $"--screenshot={Path.Combine(artifacts, $"grouped-{lang}.png")}");

        // Then: the verdicts-per-team bars and the progress lines were laid out with a size (not collapsed, not refused)
        var start = dom.IndexOf("<pre id=\"measure\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "the measuring script did not run");
        var charts = dom[(start + "<pre id=\"measure\">".Length)..dom.IndexOf("</pre>", start, StringComparison.Ordinal)]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('|').Skip(1).Select(int.Parse).ToArray())
            .ToList();
        Assert.Equal(2, charts.Count);
        Assert.All(charts, c => Assert.True(c[0] > 300 && c[1] > 50, $"chart laid out at {c[0]}x{c[1]}"));
        var bars = charts[0];
        Assert.True(bars[2] >= 3 && bars[3] == bars[2], $"{bars[3]} of {bars[2]} bars have a width");
        var lines = charts[1];
        Assert.True(lines[4] >= 2 && lines[5] == lines[4], $"{lines[5]} of {lines[4]} lines have a length");
    }
}
