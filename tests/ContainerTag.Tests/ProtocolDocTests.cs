using System.Text.RegularExpressions;
using Tracking.Testing;
using Tracking.Testing.Schema;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>The examples in docs/protocol.md must be valid under docs/schema, so text and schemas cannot drift apart.</summary>
public class ProtocolDocTests
{
    [Fact]
    public void Every_json_example_in_section_4_validates_against_its_schema()
    {
        var text = File.ReadAllText(RepoPaths.Of("docs", "protocol.md"));
        var validator = new SubsetSchemaValidator(RepoPaths.Of("docs", "schema"));
        var checkedExamples = 0;
        foreach (Match section in Regex.Matches(text, @"^### 4\.\d (\w+)(?<body>.*?)(?=^##)", RegexOptions.Multiline | RegexOptions.Singleline))
        {
            var schema = section.Groups[1].Value + ".schema.json";
            Assert.True(File.Exists(RepoPaths.Of("docs", "schema", schema)), schema);
            var body = section.Groups["body"].Value;
            var examples = Regex.Matches(body, "```json\\n(.*?)\\n```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
            // the will message quoted inline in 4.3
            examples.AddRange(Regex.Matches(body, @"`(\{""v"":1,""online"":false\})`").Select(m => m.Groups[1].Value));
            foreach (var example in examples)
            {
                var errors = validator.Validate(schema, example);
                Assert.True(errors.Count == 0, $"{schema}: {example}: {string.Join("; ", errors)}");
                checkedExamples++;
            }
        }
        Assert.Equal(8, checkedExamples); // 4.1-4.4 one each, 4.3 the will too, 4.5 an alert and a warning, 4.6
    }
}
