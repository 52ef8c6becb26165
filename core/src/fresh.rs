//! Answers kept for a bounded time: the catalog's pages and what a download link resolves
//! to are read hundreds of times a second and change rarely, so each process keeps them for
//! at most `staleness` and then asks the database again. That bound is the whole
//! invalidation rule, and it holds across any number of processes without them talking to
//! each other: a beat published, edited, unpublished or sold shows in every catalog, and a
//! refund revokes every link, within `staleness` (`TRACKOUT_CACHE_MS`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Fresh<K, V> {
    staleness: Duration,
    capacity: usize,
    entries: Arc<Mutex<HashMap<K, (Instant, V)>>>,
}

impl<K: Eq + Hash, V: Clone> Fresh<K, V> {
    /// Keeps at most `capacity` answers, none older than `staleness`; a zero `staleness`
    /// keeps nothing.
    pub fn new(staleness: Duration, capacity: usize) -> Self {
        Fresh {
            staleness,
            capacity,
            entries: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        // A panic while holding the lock leaves a map that is still a valid cache.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kept answer, if it is still young enough.
    pub fn get(&self, key: &K) -> Option<V> {
        if self.staleness.is_zero() {
            return None;
        }
        let entries = self.entries();
        let (at, value) = entries.get(key)?;
        (at.elapsed() < self.staleness).then(|| value.clone())
    }

    /// Keeps `value`, read from the database at `read_at` (before the query ran, so that
    /// its age counts the time the query took). When full, expired answers make room; a
    /// flood of distinct keys then fills it and the rest simply go uncached.
    pub fn put(&self, key: K, value: V, read_at: Instant) {
        if self.staleness.is_zero() {
            return;
        }
        let mut entries = self.entries();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let staleness = self.staleness;
            entries.retain(|_, (at, _)| at.elapsed() < staleness);
            if entries.len() >= self.capacity {
                return;
            }
        }
        entries.insert(key, (read_at, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_kept_for_the_staleness_and_no_longer() {
        let fresh = Fresh::new(Duration::from_millis(50), 4);
        fresh.put("catalog", 1, Instant::now());
        assert_eq!(fresh.get(&"catalog"), Some(1));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(fresh.get(&"catalog"), None);
    }

    #[test]
    fn the_age_counts_from_the_read_not_from_the_put() {
        let fresh = Fresh::new(Duration::from_millis(50), 4);
        let read_at = Instant::now();
        std::thread::sleep(Duration::from_millis(60));
        fresh.put("catalog", 1, read_at);
        assert_eq!(fresh.get(&"catalog"), None);
    }

    #[test]
    fn a_full_cache_makes_room_from_expired_answers_only() {
        let fresh = Fresh::new(Duration::from_millis(50), 2);
        let long_ago = Instant::now() - Duration::from_secs(1);
        fresh.put(1, "old", long_ago);
        fresh.put(2, "young", Instant::now());
        fresh.put(3, "new", Instant::now());
        assert_eq!(fresh.get(&3), Some("new"));
        assert_eq!(fresh.get(&2), Some("young"));
        // Full of young answers: one more key is served uncached, nothing is evicted.
        fresh.put(4, "flood", Instant::now());
        assert_eq!(fresh.get(&4), None);
        assert_eq!(fresh.get(&2), Some("young"));
    }

    #[test]
    fn zero_staleness_keeps_nothing() {
        let fresh = Fresh::new(Duration::ZERO, 4);
        fresh.put("catalog", 1, Instant::now());
        assert_eq!(fresh.get(&"catalog"), None);
    }
}
