namespace ContainerTag.Core.Protocol
{
    /// <summary>
    /// Why a topic level breaks the id rules of docs/protocol.md section 2 (<see cref="TagIdentity"/> checks them,
    /// <see cref="TagIdentity.Describe"/> words them). Shared by the tag, provisioning and the gateway.
    /// </summary>
    public enum IdError
    {
        None = 0,

        // Fleet and tag ids (and non-ISO container ids): 1 to 64 characters of [A-Za-z0-9_-].
        Empty,
        TooLong,
        BadCharacter,

        // ISO 6346 container numbers.
        WrongLength,
        BadOwnerCode,
        BadCategory,
        BadSerial,
        BadCheckDigit,
    }
}
