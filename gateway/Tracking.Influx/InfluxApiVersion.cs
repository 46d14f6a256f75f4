namespace Tracking.Influx;

/// <summary>Which InfluxDB HTTP write API to talk to.</summary>
public enum InfluxApiVersion
{
    /// <summary>InfluxDB 1.x <c>/write?db=&amp;rp=&amp;precision=</c>, user/password auth.</summary>
    V1,

    /// <summary>InfluxDB 2.x <c>/api/v2/write?org=&amp;bucket=&amp;precision=</c>, <c>Authorization: Token</c>.</summary>
    V2,

    /// <summary>InfluxDB 3.x <c>/api/v3/write_lp?db=&amp;precision=</c>, <c>Authorization: Bearer</c>.</summary>
    V3,
}
