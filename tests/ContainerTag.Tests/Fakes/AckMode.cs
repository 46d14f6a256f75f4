namespace ContainerTag.Tests.Fakes;

public enum AckMode
{
    /// <summary>Every publish gets its PUBACK.</summary>
    All,

    /// <summary>No PUBACK arrives before the wait times out.</summary>
    None,

    /// <summary>The client reports IsPublished = false for every publish.</summary>
    Fail,
}
