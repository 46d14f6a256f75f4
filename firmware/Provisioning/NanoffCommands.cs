namespace Tracking.Provisioning;

/// <summary>
/// The nanoff command lines that bring a blank ESP32 to a provisioned tag, in the order they must run: the
/// later steps talk to the nanoFramework runtime the first one installs.
/// </summary>
internal static class NanoffCommands
{
    public static IReadOnlyList<(string Step, string Command)> For(ProvisionOptions o, string deployJson, string wifiJson)
    {
        string port = Quote(o.SerialPort);
        return
        [
            ("flash the nanoFramework firmware", $"nanoff --target {Quote(o.Target)} --serialport {port} --update"),
            ("deploy the ContainerTag app", $"nanoff --target {Quote(o.Target)} --serialport {port} --deploy --image {Quote(o.ImagePath)}"),
            ("upload I:\\tag.json", $"nanoff --serialport {port} --filedeployment {Quote(deployJson)}"),
            ("store the Wi-Fi credentials", $"nanoff --serialport {port} --networkdeployment {Quote(wifiJson)}"),
        ];
    }

    /// <summary>POSIX shell quoting, only where a word needs it, so the usual commands stay copy-paste clean.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:=,@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
