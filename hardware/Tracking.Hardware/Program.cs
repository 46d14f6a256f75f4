using Tracking.Hardware;

// hardware/render-wiring and the docs call this; the tests call the same classes directly.
string Usage() => """
    usage: dotnet run --project hardware/Tracking.Hardware -- <command>
      check PINOUT_JSON               check the ESP32 pin rules, print each broken one
      wiring PINOUT_JSON OUT_DOT      write the Graphviz wiring diagram of the pinout
      svg-stamp DOT                   print the comment render-wiring puts into wiring.svg
      power-budget OUT_MD             write the power budget from ContainerTag.Core's energy model
    """;

try
{
    switch (args)
    {
        case ["check", var pinout]:
            var errors = PinoutRules.Check(Pinout.Load(pinout));
            foreach (var e in errors) Console.Error.WriteLine(e);
            Console.WriteLine(errors.Count == 0 ? $"{pinout}: all pin rules hold" : $"{pinout}: {errors.Count} broken rule(s)");
            return errors.Count == 0 ? 0 : 1;
        case ["wiring", var pinout, var outDot]:
            var p = Pinout.Load(pinout);
            var broken = PinoutRules.Check(p);
            if (broken.Count > 0)
            {
                foreach (var e in broken) Console.Error.WriteLine(e);
                return 1;
            }
            File.WriteAllText(outDot, WiringDiagram.ToDot(p));
            return 0;
        case ["svg-stamp", var dot]:
            Console.WriteLine(WiringDiagram.SvgStamp(File.ReadAllText(dot)));
            return 0;
        case ["power-budget", var outMd]:
            File.WriteAllText(outMd, PowerBudget.Render());
            return 0;
        default:
            Console.Error.Write(Usage());
            return 2;
    }
}
catch (Exception e) when (e is IOException or System.Text.Json.JsonException or FormatException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
