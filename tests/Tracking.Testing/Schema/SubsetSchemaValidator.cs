using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tracking.Testing.Schema;

/// <summary>
/// Validates JSON against the JSON Schema (draft 2020-12) files in docs/schema, implementing exactly
/// the keywords those files use. A keyword it does not know fails loudly, so a schema can never
/// silently rely on something unchecked. $ref resolves "#/..." and "file.schema.json#/..." relative
/// to the schema directory.
/// </summary>
public sealed class SubsetSchemaValidator
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "examples", "$defs", "default",
    };

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "$ref", "type", "required", "properties", "items", "prefixItems", "minItems", "maxItems",
        "minimum", "maximum", "minLength", "maxLength", "pattern", "enum", "const",
        "oneOf", "anyOf", "allOf", "if", "then", "else",
    };

    private readonly string _directory;
    private readonly Dictionary<string, JsonElement> _documents = new(StringComparer.Ordinal);

    public SubsetSchemaValidator(string schemaDirectory)
    {
        _directory = schemaDirectory;
    }

    /// <summary>Errors (JSON pointer: message); empty when valid.</summary>
    public IReadOnlyList<string> Validate(string schemaFile, JsonElement instance)
    {
        var errors = new List<string>();
        Check(Load(schemaFile), schemaFile, instance, "", errors);
        return errors;
    }

    public IReadOnlyList<string> Validate(string schemaFile, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Validate(schemaFile, doc.RootElement.Clone());
    }

    private JsonElement Load(string file)
    {
        if (!_documents.TryGetValue(file, out var root))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, file)));
            root = doc.RootElement.Clone();
            _documents[file] = root;
        }
        return root;
    }

    private (JsonElement Schema, string File) Resolve(string reference, string currentFile)
    {
        var hash = reference.IndexOf('#');
        var file = hash == 0 ? currentFile : (hash < 0 ? reference : reference[..hash]);
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        var node = Load(file);
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/").Replace("~0", "~");
            if (!node.TryGetProperty(name, out node))
            {
                throw new InvalidOperationException($"unresolvable $ref {reference}");
            }
        }
        return (node, file);
    }

    private bool Valid(JsonElement schema, string file, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, file, instance, "", errors);
        return errors.Count == 0;
    }

    private void Check(JsonElement schema, string file, JsonElement instance, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: not allowed");
            return;
        }
        foreach (var keyword in schema.EnumerateObject())
        {
            if (Annotations.Contains(keyword.Name))
            {
                continue;
            }
            if (!Supported.Contains(keyword.Name))
            {
                throw new NotSupportedException($"schema keyword '{keyword.Name}' in {file} is not implemented by the test validator");
            }
            var k = keyword.Value;
            switch (keyword.Name)
            {
                case "$ref":
                    var (target, targetFile) = Resolve(k.GetString()!, file);
                    Check(target, targetFile, instance, path, errors);
                    break;
                case "type":
                    var types = k.ValueKind == JsonValueKind.Array ? k.EnumerateArray().Select(t => t.GetString()!).ToArray() : new[] { k.GetString()! };
                    if (!types.Any(t => IsType(instance, t)))
                    {
                        errors.Add($"{path}: expected {string.Join("|", types)}, got {instance.ValueKind}");
                    }
                    break;
                case "required":
                    if (instance.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var name in k.EnumerateArray())
                        {
                            if (!instance.TryGetProperty(name.GetString()!, out _))
                            {
                                errors.Add($"{path}: missing required '{name.GetString()}'");
                            }
                        }
                    }
                    break;
                case "properties":
                    if (instance.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var property in k.EnumerateObject())
                        {
                            if (instance.TryGetProperty(property.Name, out var value))
                            {
                                Check(property.Value, file, value, path + "/" + property.Name, errors);
                            }
                        }
                    }
                    break;
                case "prefixItems":
                    if (instance.ValueKind == JsonValueKind.Array)
                    {
                        var i = 0;
                        foreach (var item in k.EnumerateArray())
                        {
                            if (i < instance.GetArrayLength())
                            {
                                Check(item, file, instance[i], $"{path}/{i}", errors);
                            }
                            i++;
                        }
                    }
                    break;
                case "items":
                    if (instance.ValueKind == JsonValueKind.Array)
                    {
                        var skip = schema.TryGetProperty("prefixItems", out var prefix) ? prefix.GetArrayLength() : 0;
                        for (var i = skip; i < instance.GetArrayLength(); i++)
                        {
                            Check(k, file, instance[i], $"{path}/{i}", errors);
                        }
                    }
                    break;
                case "minItems":
                    if (instance.ValueKind == JsonValueKind.Array && instance.GetArrayLength() < k.GetInt32())
                    {
                        errors.Add($"{path}: fewer than {k.GetInt32()} items");
                    }
                    break;
                case "maxItems":
                    if (instance.ValueKind == JsonValueKind.Array && instance.GetArrayLength() > k.GetInt32())
                    {
                        errors.Add($"{path}: more than {k.GetInt32()} items");
                    }
                    break;
                case "minimum":
                    if (instance.ValueKind == JsonValueKind.Number && instance.GetDecimal() < k.GetDecimal())
                    {
                        errors.Add($"{path}: {instance.GetRawText()} below minimum {k.GetRawText()}");
                    }
                    break;
                case "maximum":
                    if (instance.ValueKind == JsonValueKind.Number && instance.GetDecimal() > k.GetDecimal())
                    {
                        errors.Add($"{path}: {instance.GetRawText()} above maximum {k.GetRawText()}");
                    }
                    break;
                case "minLength":
                    if (instance.ValueKind == JsonValueKind.String && CodePoints(instance.GetString()!) < k.GetInt32())
                    {
                        errors.Add($"{path}: shorter than {k.GetInt32()}");
                    }
                    break;
                case "maxLength":
                    if (instance.ValueKind == JsonValueKind.String && CodePoints(instance.GetString()!) > k.GetInt32())
                    {
                        errors.Add($"{path}: longer than {k.GetInt32()}");
                    }
                    break;
                case "pattern":
                    if (instance.ValueKind == JsonValueKind.String && !Regex.IsMatch(instance.GetString()!, k.GetString()!, RegexOptions.ECMAScript))
                    {
                        errors.Add($"{path}: does not match {k.GetString()}");
                    }
                    break;
                case "enum":
                    if (!k.EnumerateArray().Any(option => JsonEquals(option, instance)))
                    {
                        errors.Add($"{path}: {instance.GetRawText()} not in enum");
                    }
                    break;
                case "const":
                    if (!JsonEquals(k, instance))
                    {
                        errors.Add($"{path}: must be {k.GetRawText()}");
                    }
                    break;
                case "allOf":
                    foreach (var sub in k.EnumerateArray())
                    {
                        Check(sub, file, instance, path, errors);
                    }
                    break;
                case "anyOf":
                    if (!k.EnumerateArray().Any(sub => Valid(sub, file, instance)))
                    {
                        errors.Add($"{path}: matches none of anyOf");
                    }
                    break;
                case "oneOf":
                    var matches = k.EnumerateArray().Count(sub => Valid(sub, file, instance));
                    if (matches != 1)
                    {
                        errors.Add($"{path}: matches {matches} of oneOf, expected exactly 1");
                    }
                    break;
                case "if":
                    var branch = Valid(k, file, instance) ? "then" : "else";
                    if (schema.TryGetProperty(branch, out var branchSchema))
                    {
                        Check(branchSchema, file, instance, path, errors);
                    }
                    break;
                case "then":
                case "else":
                    break; // handled with "if"
            }
        }
    }

    private static int CodePoints(string s) => s.EnumerateRunes().Count();

    private static bool IsType(JsonElement e, string type) => type switch
    {
        "object" => e.ValueKind == JsonValueKind.Object,
        "array" => e.ValueKind == JsonValueKind.Array,
        "string" => e.ValueKind == JsonValueKind.String,
        "boolean" => e.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => e.ValueKind == JsonValueKind.Null,
        "number" => e.ValueKind == JsonValueKind.Number,
        // 2020-12: an integer is any number with a zero fractional part (1.0 included)
        "integer" => e.ValueKind == JsonValueKind.Number && IsWhole(e),
        _ => throw new NotSupportedException($"type {type}"),
    };

    private static bool IsWhole(JsonElement e) =>
        decimal.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && decimal.Truncate(d) == d;

    private static bool JsonEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.GetDecimal() == b.GetDecimal();
        }
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }
        return a.ValueKind switch
        {
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEquals(p.First, p.Second)),
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var v) && JsonEquals(p.Value, v)),
            _ => true,
        };
    }
}
