using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Api.Reports;

/// <summary>Source-generated serialization of the trip report (names from the report's own attributes, snake_case).</summary>
[JsonSerializable(typeof(TripReport))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class ReportApiJson : JsonSerializerContext;
