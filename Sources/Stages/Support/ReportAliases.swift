import Report

/// The report's per-epoch metrics (the SNN module has a type of the same name).
typealias ReportEpochMetrics = EpochMetrics
