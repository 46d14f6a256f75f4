namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>What a <see cref="CrashingStore"/> throws: the process died there.</summary>
public sealed class CrashException() : Exception("simulated crash");
