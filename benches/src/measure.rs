//! Criterion settings and the medians behind the `RESULT` lines.
//!
//! Routines time themselves (setup stays out of the measurement) and every call's duration is
//! kept, so a benchmark reports the median over all its calls, warm-up included. A filtered-out
//! benchmark never runs its setup or routine and reports `None`.

use criterion::measurement::WallTime;
use criterion::{black_box, BenchmarkGroup, Criterion};
use std::time::{Duration, Instant};

/// Few samples and short windows: the slow benchmarks (seconds per proof) then take one call
/// per sample, and the whole suite stays within half an hour on two cores.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// Duration of `f`, whose result is kept from being optimized away.
pub fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    time(f).1
}

/// `f`'s result and duration, for routines that check the result outside the measurement.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = black_box(f());
    (out, start.elapsed())
}

/// Runs benchmark `id` of `group`: `setup` (untimed, once per criterion sample) provides what
/// `routine` needs, `routine` returns the duration it measured. Returns the median call.
pub fn bench<T>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    mut setup: impl FnMut() -> T,
    mut routine: impl FnMut(&T) -> Duration,
) -> Option<Duration> {
    let mut calls = Vec::new();
    group.bench_function(id, |b| {
        let input = setup();
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let d = routine(&input);
                    calls.push(d);
                    d
                })
                .sum()
        })
    });
    median(calls)
}

pub fn median(mut xs: Vec<Duration>) -> Option<Duration> {
    xs.sort_unstable();
    xs.get(xs.len() / 2).copied()
}

/// Milliseconds, or `n/a` for a benchmark that did not run.
pub fn ms(d: Option<Duration>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.3}", d.as_secs_f64() * 1e3))
}

/// Microseconds, or `n/a`.
pub fn us(d: Option<Duration>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.1}", d.as_secs_f64() * 1e6))
}

/// `a / b`, or `n/a` unless both ran.
pub fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}", a.as_secs_f64() / b.as_secs_f64()),
        _ => "n/a".into(),
    }
}

/// MiB/s for `bytes` processed in `d`, or `n/a`.
pub fn mib_s(bytes: usize, d: Option<Duration>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.2}", bytes as f64 / (1u64 << 20) as f64 / d.as_secs_f64()))
}

/// Runs `f` and reports how long it took on stderr: setups (key generation) are slow enough
/// that a silent wait looks like a hang.
pub fn stage<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    eprintln!("SETUP {what}: {:.1} s", start.elapsed().as_secs_f64());
    out
}
