/// Crossbar mapping, pipeline timing and energy of PipeLayer and PipeSDFA accelerators.
public enum Hardware {}
