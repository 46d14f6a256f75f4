using System.Diagnostics;

namespace Tracking.Provisioning;

/// <summary>
/// Registers a tag's credential in a broker configuration made by deploy/broker-config (<c>add-tag</c>), handing the
/// password over stdin so that it never appears in a process list.
/// </summary>
internal static class BrokerRegistration
{
    /// <summary>deploy/broker-config of the repository at <paramref name="root"/>, else of the checkout this tool was built in.</summary>
    public static string? Script(string root)
    {
        string candidate = Path.Combine(root, "deploy", "broker-config");
        if (File.Exists(candidate)) return candidate;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidate = Path.Combine(dir.FullName, "deploy", "broker-config");
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    /// <summary>Null when registered, else why not (the script's message, never the password).</summary>
    public static string? Register(string script, string brokerDirectory, ProvisionOptions o, TagCredential credential)
    {
        var info = new ProcessStartInfo(script)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "add-tag", brokerDirectory, o.Fleet, o.Container, o.Tag }) info.ArgumentList.Add(a);
        try
        {
            using Process process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + script);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(credential.Password + "\n");
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The script exited before reading the password (it refused the broker directory first): a broken pipe
                // here, and its own message below says why. Reported as "cannot run" before, now and then (a race).
            }
            process.WaitForExit();
            string message = (stderr.Result + stdout.Result).Trim();
            return process.ExitCode == 0 ? null : $"{script} add-tag exited {process.ExitCode}: {message}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return $"cannot run {script}: {e.Message}";
        }
    }
}
