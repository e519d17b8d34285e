//! The load driver: runs an operation from N concurrent tasks, bounded by a count and a
//! duration, and summarises the latencies (p50, p99) and the throughput.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A latency distribution.
pub struct Stats {
    count: usize,
    errors: usize,
    wall: Duration,
    sorted: Vec<Duration>,
}

impl Stats {
    fn new(mut samples: Vec<(Duration, bool)>, wall: Duration) -> Stats {
        let errors = samples.iter().filter(|(_, ok)| !ok).count();
        samples.sort();
        Stats {
            count: samples.len(),
            errors,
            wall,
            sorted: samples.into_iter().map(|(d, _)| d).collect(),
        }
    }

    fn quantile(&self, q: f64) -> Duration {
        let last = self.sorted.len().saturating_sub(1);
        let index = ((last as f64) * q).round() as usize;
        self.sorted.get(index).copied().unwrap_or_default()
    }

    pub fn row(&self, what: &str) -> String {
        format!(
            "| {what} | {} | {} | {:.0} | {:.2} ms | {:.2} ms |",
            self.count,
            self.errors,
            self.count as f64 / self.wall.as_secs_f64().max(1e-9),
            self.quantile(0.50).as_secs_f64() * 1e3,
            self.quantile(0.99).as_secs_f64() * 1e3,
        )
    }
}

/// Runs `op(i)` for i = 0.. from `concurrency` tasks until `max` requests or `limit` elapsed.
pub async fn drive<F, Fut>(concurrency: usize, max: usize, limit: Duration, op: F) -> Stats
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + limit;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (op, next) = (op.clone(), next.clone());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= max || Instant::now() >= deadline {
                        return samples;
                    }
                    let t = Instant::now();
                    let ok = op(i).await;
                    samples.push((t.elapsed(), ok));
                }
            })
        })
        .collect();
    let mut samples = Vec::new();
    for worker in workers {
        samples.extend(worker.await.unwrap_or_default());
    }
    Stats::new(samples, start.elapsed())
}
