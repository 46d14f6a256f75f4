namespace Tracking.Provisioning;

/// <summary>
/// The nanoff command lines that bring a blank ESP32 to a provisioned tag, in the order they must run. The
/// settings and Wi-Fi go on before the app: the app deep-sleeps as soon as it starts (an hour when it finds no
/// I:\tag.json), and a sleeping ESP32 does not answer nanoff on the serial port. With no app yet, the freshly
/// flashed runtime stays awake and takes the file and network deployments.
/// </summary>
internal static class NanoffCommands
{
    public static IReadOnlyList<(string Step, string Command)> For(ProvisionOptions o, string deployJson, string wifiJson)
    {
        string port = Quote(o.SerialPort);
        string target = Quote(o.Target);
        return
        [
            ("flash the nanoFramework firmware", $"nanoff --target {target} --serialport {port} --update"),
            ("upload I:\\tag.json", $"nanoff --serialport {port} --filedeployment {Quote(deployJson)}"),
            ("store the Wi-Fi credentials", $"nanoff --serialport {port} --networkdeployment {Quote(wifiJson)}"),
            ("deploy the ContainerTag app (it starts at once)", $"nanoff --target {target} --serialport {port} --deploy --image {Quote(o.ImagePath)}"),
        ];
    }

    /// <summary>POSIX shell quoting, only where a word needs it, so the usual commands stay copy-paste clean.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:=,@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
