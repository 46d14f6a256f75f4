namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>Receives one record; the span is only valid during the call.</summary>
public delegate void SpoolRecordHandler<in TState>(ReadOnlySpan<byte> record, SpoolPosition next, TState state);
