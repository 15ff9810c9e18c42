/// Aggregation over seeds, tables and plots.
public enum Report {}
