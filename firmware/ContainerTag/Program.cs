using System;
using System.Device.Gpio;
using System.IO;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Device.Adapters;
using ContainerTag.Device.Board;
using ContainerTag.Device.Settings;
using nanoFramework.Hardware.Esp32;

namespace ContainerTag.Device
{
    /// <summary>
    /// One wake of the tag: read I:\tag.json, build the adapters, run one controller cycle, deep-sleep.
    /// The ESP32 reboots on every wake, so Main runs once per sample.
    /// </summary>
    public class Program
    {
        public const string FirmwareVersion = "1.0.0";

        /// <summary>Sleep when the settings file is missing or invalid, so a badly provisioned tag does
        /// not drain its battery retrying.</summary>
        private const long UnprovisionedSleepMs = 3600000;

        public static void Main()
        {
            Esp32Power power = null;
            try
            {
                GpioController gpio = new GpioController();
                power = new Esp32Power(gpio);
                Run(power);
            }
            catch (Exception)
            {
                // Any hardware or storage fault that escaped the adapters: never stay awake with a dead app,
                // that drains the cell in hours. Sleep and try again on the next wake.
            }
            // Reached only after a fault: Run ends in deep sleep, which does not return on the device.
            SleepAfterFault(power);
        }

        private static void Run(Esp32Power power)
        {
            Configuration.SetPinFunction(Pins.I2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(Pins.I2cClock, DeviceFunction.I2C1_CLOCK);

            TagSettings settings = LoadSettings();
            if (settings == null)
            {
                power.DeepSleep(UnprovisionedSleepMs);
                return;
            }

            FlashStorage storage = new FlashStorage();
            WakeCause cause = power.GetWakeCause();
            // A power-on wake may have lost the system time, so the synced flag starts false.
            SntpClock clock = new SntpClock(new DeviceTimeSource(), storage, cause == WakeCause.PowerOn,
                ClockSyncState.DefaultResyncIntervalMs);
            TagOptions options = new TagOptions();
            options.Fleet = settings.Fleet;
            options.Container = settings.Container;
            options.Tag = settings.Tag;
            options.AllowNonIsoContainer = settings.AllowNonIsoContainer;
            options.FirmwareVersion = FirmwareVersion;
            options.DefaultConfig = settings.Config;

            TagController tag = new TagController(
                options,
                CreateEnvironmentSensor(options.Faults),
                new Adxl343Accelerometer(cause == WakeCause.Shock, new AccelThresholdStore(storage), options.Faults),
                clock,
                storage,
                new MqttUplink(settings.BrokerHost, settings.BrokerPort, clock, settings.MqttUser, settings.MqttPassword),
                power);
            // RunCycle ends in power.DeepSleep, which does not return on the device.
            tag.RunCycle();
        }

        /// <summary>
        /// The Bmxx80 constructor throws IOException when the chip id is not 0x60 (absent or faulty BME280):
        /// the tag then runs with a sensor that reads NaN, so readings go out as nulls and it still sleeps.
        /// </summary>
        private static IEnvironmentSensor CreateEnvironmentSensor(FaultLog faults)
        {
            try
            {
                return new Bme280Sensor(faults);
            }
            catch (Exception)
            {
                faults.Record("bme280: absent or chip id not 0x60");
                return new MissingEnvironmentSensor();
            }
        }

        private static void SleepAfterFault(Esp32Power power)
        {
            try
            {
                if (power != null)
                {
                    power.DeepSleep(UnprovisionedSleepMs);
                }
                else
                {
                    // Esp32Power itself failed to start: the timer wake alone still brings the app back.
                    Sleep.EnableWakeupByTimer(TimeSpan.FromTicks(UnprovisionedSleepMs * TimeSpan.TicksPerMillisecond));
                    Sleep.StartDeepSleep();
                }
            }
            catch (Exception)
            {
                // nothing left to do: the watchdog/brown-out reset is the last resort
            }
        }

        private static TagSettings LoadSettings()
        {
            try
            {
                if (!File.Exists(TagSettings.FilePath))
                {
                    return null;
                }
                byte[] data = File.ReadAllBytes(TagSettings.FilePath);
                return new TagSettingsReader().Read(data, data.Length);
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
