using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using VulnTriage.Advisories.Yaml;

namespace VulnTriage.Advisories.Tests;

/// <summary>
/// Issue 16: YAML `>` folding put half-width spaces inside Japanese sentences ("直接配布して いません", "ベンダーの
/// インベントリ"). The loader joins Japanese lines without a space, and no shipped `ja` text may keep one.
/// </summary>
public sealed partial class JapaneseTextTests
{
    /// <summary>A half-width space with a Japanese character (kana, kanji, full-width punctuation) on each side.</summary>
    [GeneratedRegex(@"[\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60] +[\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60]")]
    internal static partial Regex SpaceBetweenJapanese();

    /// <summary>A half-width bracket touching a Japanese character: Japanese text uses full-width （）［］.</summary>
    [GeneratedRegex(@"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF][()\[\]]|[()\[\]][\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF]")]
    internal static partial Regex HalfWidthBracketInJapanese();

    /// <summary>Every Japanese string of an object graph of records (LocalizedText.Ja and any string with kana or kanji).</summary>
    internal static IEnumerable<(string Path, string Text)> JapaneseStrings(object? value, string path, HashSet<object>? seen = null)
    {
        seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        switch (value)
        {
            case null:
                yield break;
            case string s:
                if (s.Any(c => c is >= '\u3040' and <= '\u9FFF'))
                {
                    yield return (path, s);
                }

                yield break;
            case IEnumerable when value.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
                && (bool)t.GetProperty("IsDefault")!.GetValue(value)!:
                yield break;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items)
                {
                    foreach (var found in JapaneseStrings(item, $"{path}[{i++}]", seen))
                    {
                        yield return found;
                    }
                }

                yield break;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is decimal or DateOnly or DateTimeOffset || !seen.Add(value))
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            object? child;
            try
            {
                child = property.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue;
            }

            foreach (var found in JapaneseStrings(child, path + "." + property.Name, seen))
            {
                yield return found;
            }
        }
    }

    public static TheoryData<string> ShippedFiles() => [.. AdvisoryCatalog.EmbeddedNames];

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Should_Have_No_Half_Width_Space_Between_Japanese_Characters_When_A_Shipped_Advisory_Is_Loaded(string name)
    {
        // Given
        var advisory = AdvisoryYamlLoader.Load(AdvisoryCatalog.ReadEmbedded(name), name);

        // When
        var texts = JapaneseStrings(advisory, advisory.Id).ToList();

        // Then
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.False(SpaceBetweenJapanese().IsMatch(t.Text), $"{t.Path}: \"{SpaceBetweenJapanese().Match(t.Text).Value}\" in {t.Text}"));
        Assert.All(texts, t => Assert.False(HalfWidthBracketInJapanese().IsMatch(t.Text), $"{t.Path}: \"{HalfWidthBracketInJapanese().Match(t.Text).Value}\" in {t.Text}"));
    }

    [Fact]
    public void Should_Join_Japanese_Lines_Without_A_Space_When_A_Folded_Block_Breaks_Between_Them()
    {
        // Given: the shape every advisory author writes
        var reader = new YamlNodeReader("t.yaml");
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader("""
            folded: >-
              Intel はこのファームウェアを直接配布して
              いません。ベンダーの
              インベントリ、
              Atom C3000 と Xeon を
              確認してください。
            literal: |
              一行目
              二行目
            plain: 一行目と
              二行目
            english: >-
              Intel does not ship
              this firmware.
            """));
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;

        // When
        string Read(string key) => reader.String(YamlNodeReader.Child(root, key), key)!;

        // Then
        Assert.Equal("Intel はこのファームウェアを直接配布していません。ベンダーのインベントリ、Atom C3000 と Xeon を確認してください。", Read("folded"));
        Assert.Equal("一行目\n二行目", Read("literal"));
        Assert.Equal("一行目と二行目", Read("plain"));
        Assert.Equal("Intel does not ship this firmware.", Read("english"));
    }
}
