namespace Tracking.Influx;

/// <summary>How the 1.x API receives user and password.</summary>
public enum InfluxCredentialsMode
{
    /// <summary><c>Authorization: Basic</c>; keeps the password out of URLs and access logs.</summary>
    BasicAuth,

    /// <summary><c>u</c> and <c>p</c> query parameters.</summary>
    QueryString,
}
