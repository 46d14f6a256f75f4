namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// Where adapters note hardware faults (sensor absent, bus error, settings file unreadable) as a short
    /// reason. The controller moves the last one into the persisted state each wake, so it survives deep
    /// sleep until a report carries it as the status field <c>sensor_err</c>.
    /// </summary>
    public class FaultLog
    {
        private string _last;

        /// <summary>Notes a fault; a later fault in the same wake replaces an earlier one.</summary>
        public void Record(string reason)
        {
            if (reason != null && reason.Length > 0)
            {
                _last = reason;
            }
        }

        /// <summary>The last fault since the previous call, or null; clears it.</summary>
        public string Take()
        {
            string r = _last;
            _last = null;
            return r;
        }
    }
}
