namespace ContainerTag.Core.Control
{
    /// <summary>Shock rule: peak at or over the threshold, and not within the debounce time of the last event.</summary>
    public static class ShockDetector
    {
        public static bool IsShockEvent(double peakG, double thresholdG, long nowMs, long lastEventMs, long debounceMs)
        {
            if (double.IsNaN(peakG) || peakG < thresholdG)
            {
                return false;
            }
            return lastEventMs == TagState.None || nowMs - lastEventMs >= debounceMs || nowMs < lastEventMs;
        }
    }
}
