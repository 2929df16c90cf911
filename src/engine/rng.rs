//! The cluster's one source of randomness: a seeded xoshiro256** generator.
//!
//! A named algorithm, implemented here, so the same seed gives the same numbers on every target and
//! in every version of every dependency. The seed is expanded into the 256-bit state with SplitMix64,
//! as the algorithm's authors recommend (<https://prng.di.unimi.it/>).

/// xoshiro256** 1.0 (Blackman and Vigna).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: [u64; 4],
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for a side stream of randomness, independent of the cluster's generator: one SplitMix64
/// step of `seed` with `stream` mixed in. Drawing it never moves an [`Rng`].
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut x = seed ^ stream;
    splitmix64(&mut x)
}

impl Rng {
    pub fn from_seed(seed: u64) -> Self {
        let mut x = seed;
        let state = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Rng { state }
    }

    /// Rebuilds a generator at a saved position (see [`Rng::state`]).
    pub fn from_state(state: [u64; 4]) -> Self {
        Rng { state }
    }

    /// The generator's position, to persist and resume it.
    pub fn state(&self) -> [u64; 4] {
        self.state
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// A uniform integer in `0..bound` (Lemire's multiply-shift with rejection); 0 when `bound` is 0.
    pub fn below(&mut self, bound: u32) -> u32 {
        if bound == 0 {
            return 0;
        }
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u64::from(self.next_u32()) * u64::from(bound);
            if (product as u32) >= threshold {
                return (product >> 32) as u32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector() {
        // xoshiro256** reference output for the state {1, 2, 3, 4} (from the authors' C code).
        let mut rng = Rng::from_state([1, 2, 3, 4]);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(first, vec![11520, 0, 1509978240]);
    }

    #[test]
    fn same_seed_same_numbers() {
        let mut a = Rng::from_seed(7);
        let mut b = Rng::from_seed(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::from_seed(7).next_u64(), Rng::from_seed(8).next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::from_seed(1);
        for bound in [1u32, 2, 3, 7, 1000] {
            for _ in 0..200 {
                assert!(rng.below(bound) < bound);
            }
        }
        assert_eq!(rng.below(0), 0);
    }
}
