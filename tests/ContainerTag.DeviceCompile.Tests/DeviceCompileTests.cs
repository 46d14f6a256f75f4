namespace ContainerTag.DeviceCompile.Tests;

public class DeviceCompileTests
{
    [Fact]
    public void Device_app_and_Core_compile_against_the_nanoFramework_reference_stubs()
    {
        var errors = DeviceCompiler.Errors(DeviceCompiler.DeviceAndCore());
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void The_four_argument_Publish_of_old_READMEs_does_not_compile()
    {
        // M2Mqtt has Publish(topic, message, contentType, userProperties): a QoS and retain flag in
        // those places must be rejected, as the real package rejects them.
        var errors = DeviceCompiler.Errors(WithProbe("""
            client.Publish("t", new byte[1], nanoFramework.M2Mqtt.Messages.MqttQoSLevel.AtLeastOnce, false);
            """));
        Assert.Contains(errors, e => e.Id is "CS1503" or "CS1501");
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText(\"I:\\\\x\", System.Text.Encoding.UTF8);", "CS1501")] // no encoding overload in nanoFramework
    [InlineData("nanoFramework.Hardware.Esp32.Sleep.EnableWakeupByPin(nanoFramework.Hardware.Esp32.Sleep.WakeupGpioPin.Pin33);", "CS7036")]
    [InlineData("client.Subscribe(\"t\", nanoFramework.M2Mqtt.Messages.MqttQoSLevel.AtLeastOnce);", "CS1503")]
    public void Other_wrong_calls_do_not_compile(string statement, string expectedError)
    {
        var errors = DeviceCompiler.Errors(WithProbe(statement));
        Assert.Contains(errors, e => e.Id == expectedError || e.Id == "CS0117" || e.Id == "CS1501" || e.Id == "CS1503");
    }

    [Fact]
    public void The_probe_itself_compiles_with_a_correct_call()
    {
        var errors = DeviceCompiler.Errors(WithProbe("""
            client.Publish("t", new byte[1], null, null, nanoFramework.M2Mqtt.Messages.MqttQoSLevel.AtLeastOnce, false);
            """));
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    private static IEnumerable<(string Path, string Code)> WithProbe(string statement) =>
        DeviceCompiler.DeviceAndCore().Append(("Probe.cs", $$"""
            class Probe
            {
                void Run(nanoFramework.M2Mqtt.MqttClient client)
                {
                    {{statement}}
                }
            }
            """));
}
