using ContainerTag.Core.Protocol;

namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// The id rules of docs/protocol.md section 2, as the gateway calls them. The rules themselves are ContainerTag.Core's
/// <see cref="TagIdentity"/>, the code the tag and the provisioning tool run, so all three accept the same ids. The
/// (text, start, length) overloads check a level in place inside the topic string: nothing is allocated.
/// </summary>
public static class Identifiers
{
    /// <summary>ISO 6346 container number: owner code, category U, J or Z, 6-digit serial and a correct check digit.</summary>
    public static bool IsValidContainerNumber(string id) => TagIdentity.IsValidContainer(id);

    /// <summary>The rule <c>text[start..(start + length)]</c> breaks as a fleet or tag id, or <see cref="IdError.None"/>.</summary>
    public static IdError CheckId(string text, int start, int length) => TagIdentity.CheckId(text, start, length);

    /// <summary>
    /// The rule a container level breaks: an ISO 6346 number when <paramref name="strict"/>, otherwise any id of the
    /// fleet/tag charset (Ingest:StrictContainerIds=false; the tag's AllowNonIsoContainer).
    /// </summary>
    public static IdError CheckContainer(string text, int start, int length, bool strict) =>
        TagIdentity.CheckContainer(text, start, length, allowNonIso: !strict);

    /// <summary>The reason in words, a constant string (rejections allocate nothing).</summary>
    public static string Describe(IdError error) => TagIdentity.Describe(error);
}
