/// The watched expression, recorded once so the windows below read cheap samples.
pub const ANOMALY_VALUE: &str = "anomaly:value";
/// The short-term mean that is compared with the band.
pub const ANOMALY_LEVEL: &str = "anomaly:level";
/// What the level is expected to be: the recent median, plus the seasonal shape.
pub const ANOMALY_BASELINE: &str = "anomaly:baseline";
/// Level minus baseline; its spread over a day is the deviation.
pub const ANOMALY_RESIDUAL: &str = "anomaly:residual";
/// Robust standard deviation of the residual (interquartile range / 1.349).
pub const ANOMALY_DEVIATION: &str = "anomaly:deviation";
pub const ANOMALY_UPPER: &str = "anomaly:upper_band";
pub const ANOMALY_LOWER: &str = "anomaly:lower_band";
/// A regression's watched expression, recorded so the baseline reads it back.
pub const REGRESSION_VALUE: &str = "regression:value";
/// Current value divided by the value one baseline period earlier.
pub const REGRESSION_RATIO: &str = "regression:ratio_baseline";
/// Usage as a share of the limit (headroom is 1 minus this).
pub const CAPACITY_USAGE: &str = "capacity:usage:ratio";
/// Days until the linear trend of the usage share reaches 1; absent when flat or falling.
pub const CAPACITY_EXHAUSTION: &str = "capacity:exhaustion:days";
