using ContainerTag.Core.Hardware;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// Remembers the armed wake-on-shock threshold across deep sleep (there is no managed RTC memory),
    /// written only when it changes so flash is not worn on every wake.
    /// </summary>
    public class AccelThresholdStore
    {
        private const string Name = "acc.thr";
        private readonly IStorage _storage;
        private readonly byte[] _buffer = new byte[8];

        public AccelThresholdStore(IStorage storage)
        {
            _storage = storage;
        }

        public double Load()
        {
            if (_storage.Read(Name, 0, _buffer, 0, 8) != 8)
            {
                return 0;
            }
            return System.BitConverter.ToDouble(_buffer, 0);
        }

        public void Save(double thresholdG)
        {
            if (Load() == thresholdG)
            {
                return;
            }
            byte[] bytes = System.BitConverter.GetBytes(thresholdG);
            _storage.Write(Name, bytes, 0, bytes.Length);
        }
    }
}
