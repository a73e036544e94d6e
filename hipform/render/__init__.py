"""Drawing and report rendering: reads measured values, computes nothing new."""
