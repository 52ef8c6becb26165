//! CPU time, as the kernel counts it: the machine is shared, and CPU seconds say what a
//! pipeline costs even when other work stretches its wall-clock time.

use std::time::Duration;

/// Linux reports times in USER_HZ ticks, 100 per second on every common configuration.
const TICKS_PER_SECOND: u64 = 100;

fn stat_fields() -> Vec<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; the numbers start after its ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    rest.split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect()
}

fn ticks(fields: &[u64], from: usize) -> Duration {
    let t = fields.get(from).copied().unwrap_or(0) + fields.get(from + 1).copied().unwrap_or(0);
    Duration::from_millis(t * 1000 / TICKS_PER_SECOND)
}

/// User + system time of this process, all threads (fields 14 and 15 of stat).
pub fn own() -> Duration {
    ticks(&stat_fields(), 11)
}

/// User + system time of the children waited for (fields 16 and 17): the shell tools.
pub fn children() -> Duration {
    ticks(&stat_fields(), 13)
}
