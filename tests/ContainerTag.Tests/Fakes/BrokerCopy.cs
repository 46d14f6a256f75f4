namespace ContainerTag.Tests.Fakes;

/// <summary>One PUBLISH packet as the broker received it (a resend carries the DUP flag).</summary>
public sealed record BrokerCopy(int MessageId, string Topic, byte[] Payload, bool Retain, bool Dup, long AtMs)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}
