namespace ContainerTag.Tests.Fakes;

public sealed record Published(int Id, string Topic, byte[] Payload, bool Retain)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}
