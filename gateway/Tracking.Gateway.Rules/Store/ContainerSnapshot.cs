namespace Tracking.Gateway.Rules.Store;

/// <summary>One container's evaluation state as the engine saves it (<see cref="IRuleStore.SaveStatesAsync"/>).</summary>
public readonly record struct ContainerSnapshot(ContainerKey Container, ReadOnlyMemory<byte> State);
