//! The seed-sweep driver shared by the sweeps (tests/replication/sweep.rs,
//! tests/groups/sweep.rs): `SWEEP_SEEDS=n` seeds (a default for release and one for debug
//! builds), stopping after `SWEEP_SECONDS` of wall time, or only `SEED=n`; a failure panics with
//! the seed and the command that replays it.

/// How a sweep runs by default.
pub struct SweepDefaults {
    /// The name in the summary line and the test target in the replay command.
    pub name: &'static str,
    pub release_seeds: u64,
    pub debug_seeds: u64,
    pub seconds: u64,
}

/// Runs `run_seed` over the seeds; each returns how many things it checked. Prints a summary.
pub fn sweep(defaults: SweepDefaults, mut run_seed: impl FnMut(u64) -> Result<usize, String>) {
    let env = |name: &str| std::env::var(name).ok().and_then(|s| s.parse::<u64>().ok());
    let default_seeds = if cfg!(debug_assertions) {
        defaults.debug_seeds
    } else {
        defaults.release_seeds
    };
    let seeds = env("SWEEP_SEEDS").unwrap_or(default_seeds);
    let budget = env("SWEEP_SECONDS").unwrap_or(defaults.seconds);
    let only = env("SEED");
    // The sweep's own wall-clock budget (never the engine's clock).
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    let (mut ran, mut checked) = (0, 0);
    for seed in only.map_or(0..seeds, |s| s..s + 1) {
        match run_seed(seed) {
            Ok(n) => checked += n,
            Err(error) => panic!(
                "seed {seed}: {error}\nreproduce with SEED={seed} cargo test --profile bench --test {} sweep",
                defaults.name
            ),
        }
        ran += 1;
        if started.elapsed().as_secs() >= budget {
            break;
        }
    }
    println!("{} sweep: {ran} seed(s), {checked} checked", defaults.name);
    assert!(ran > 0);
}

/// The last fault is repaired as far as the controller knows: there is an active controller,
/// every broker runs registered and unfenced, and every partition has all its replicas in its
/// ISR (the sweeps start a fault only then — a broker back from a crash that no controller has
/// registered yet still counts as down: its lost tail is not yet taken out of the ISR).
pub fn fully_replicated(cluster: &kafka_playground::engine::Cluster) -> bool {
    let brokers_back = cluster
        .brokers()
        .all(|b| cluster.is_serving(b.node_id) && cluster.is_unfenced(b.node_id));
    cluster.active_controller().is_some()
        && brokers_back
        && cluster
            .topics()
            .flat_map(|t| &t.partitions)
            .all(|p| p.isr.len() == p.replicas.len())
}
