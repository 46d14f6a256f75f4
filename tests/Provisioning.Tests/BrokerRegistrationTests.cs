using Tracking.Provisioning;

namespace Provisioning.Tests;

/// <summary>
/// The broker's registration script as provision runs it: its own message is what the operator sees when it refuses, also
/// when it refused before reading the password from its input (the write then meets a closed pipe).
/// </summary>
public sealed class BrokerRegistrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("provision-registration-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_script_that_refuses_before_reading_the_password_is_reported_with_its_own_message()
    {
        // Closes its input unread, so the password's write fails with a broken pipe whatever the timing (the full
        // suite's flake: the real script, refusing a directory at once, sometimes exited before the write). The
        // password is longer than a pipe holds, so the write is still waiting when the script closes its end.
        string script = Path.Combine(_dir, "refuse.sh");
        File.WriteAllText(script, "#!/bin/sh\nexec 0<&-\nsleep 0.2\necho 'the directory holds no broker configuration' >&2\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ProvisionOptions options = ProvisionOptions.Parse(
            ["--fleet", "acme", "--container", "CSQU3054383", "--tag", "tag-1", "--ssid", "Yard", "--password", "wifi-pass-123",
             "--broker", "mqtt.acme.test:8883"], _dir);
        var credential = new TagCredential("acme/CSQU3054383/tag-1", new string('p', 256 * 1024));

        string? why = BrokerRegistration.Register(script, _dir, options, credential);

        Assert.Equal($"{script} add-tag exited 1: the directory holds no broker configuration", why);
    }
}
