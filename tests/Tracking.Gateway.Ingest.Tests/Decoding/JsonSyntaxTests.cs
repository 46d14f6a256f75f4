using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

/// <summary>
/// JsonSyntax must give the verdict System.Text.Json gives (the reader the decoder then uses): a syntax error it misses
/// would throw in the decoder again, a valid text it refuses would lose a message.
/// </summary>
public class JsonSyntaxTests
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 100_000 };

    private static bool SystemTextJsonAccepts(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, Options);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData(" { \"a\" : [1, -0.5e+3, true, false, null, \"x\\u00e9\\n\", {}, []] } ", true)]
    [InlineData("{\"a\":1,}", false)]
    [InlineData("{\"a\":01}", false)]
    [InlineData("{\"a\":1.}", false)]
    [InlineData("{\"a\":-}", false)]
    [InlineData("{\"a\":truex}", false)]
    [InlineData("{\"a\":\"\\x\"}", false)]
    [InlineData("{\"a\":\"\\u12G4\"}", false)]
    [InlineData("{\"a\":\"tab\there\"}", false)]
    [InlineData("{\"a\":1}}", false)]
    [InlineData("{\"a\":[1,2}", false)]
    [InlineData("{\"a\" 1}", false)]
    [InlineData("{a:1}", false)]
    [InlineData("{\"a\":1} x", false)]
    [InlineData("{\"a\":/*c*/1}", false)]
    [InlineData("{\"a\":", false)]
    public void Examples_get_the_verdict_of_System_Text_Json(string json, bool valid)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(valid, SystemTextJsonAccepts(bytes));
        Assert.Equal(valid, JsonSyntax.Problem(bytes) is null);
    }

    private static readonly string[] Pieces =
    [
        "{", "}", "[", "]", ",", ":", " ", "\n", "\"", "\"a\"", "\"k\":", "\\", "\\u00e9", "\\uD800", "\\x", "1", "0", "-", ".", "e", "E",
        "+", "01", "1.5", "-0", "2e10", "true", "false", "null", "tru", "nul", "x", "é", "\t", "\u0001", "/", "*",
    ];

    [Fact]
    public void Random_texts_get_the_verdict_of_System_Text_Json()
    {
        Gen<string> text = Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(p => "{" + string.Concat(p));
        Prop.ForAll(text.ToArbitrary(), json =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            Assert.True(SystemTextJsonAccepts(bytes) == (JsonSyntax.Problem(bytes) is null), $"disagree on {json}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20_000));
    }

    [Fact]
    public void Mutated_messages_get_the_verdict_of_System_Text_Json()
    {
        byte[] valid = """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4.25,50.5,1000.25,0.1],[1000,-4,null,1e3,0]],"x":{"y":[true,false,null,"\u00e9"]}}"""u8.ToArray();
        Gen<byte[]> mutated =
            from position in Gen.Choose(0, valid.Length - 1)
            from kind in Gen.Choose(0, 3)
            from b in Gen.Elements("{}[],:\" -.0123456789eE+tfnulx\\/"u8.ToArray())
            select kind switch
            {
                0 => [.. valid[..position], b, .. valid[(position + 1)..]],   // replace
                1 => [.. valid[..position], b, .. valid[position..]],         // insert
                2 => [.. valid[..position], .. valid[(position + 1)..]],      // delete
                _ => valid[..position],                                      // truncate
            };
        Prop.ForAll(mutated.ToArbitrary(), bytes =>
        {
            Assert.True(SystemTextJsonAccepts(bytes) == (JsonSyntax.Problem(bytes) is null), $"disagree on {Encoding.UTF8.GetString(bytes)}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20_000));
    }

    [Fact]
    public void Deep_nesting_is_syntax_not_a_limit()
    {
        byte[] deep = Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 2000) + new string(']', 2000) + "}");
        Assert.Null(JsonSyntax.Problem(deep));
        Assert.NotNull(JsonSyntax.Problem(deep[..^2]));
    }
}
