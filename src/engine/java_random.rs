//! `java.util.Random`, bit for bit: the generator Kafka's controller hands its replica placer.
//!
//! Kafka's `StripedReplicaPlacer` draws its starting offsets and shuffles from a
//! `java.util.Random`. Re-implementing the same linear congruential generator and the same
//! derived methods (`nextInt(bound)`, `Collections.shuffle`) makes the placer here draw exactly
//! what Kafka's draws from the same generator — so Kafka's own placer tests, which use a
//! `MockRandom` subclass, port as golden tests. Where Kafka seeds `new Random()` from the clock,
//! the playground seeds it from the cluster's seeded generator (docs/DEPARTURES.md).

/// The one method a `java.util.Random` subclass overrides: `next(bits)`.
pub trait RandomBits {
    /// The next `bits` (1..=32) pseudorandom bits, as `Random.next(int)` returns them.
    fn next_bits(&mut self, bits: u32) -> i32;

    /// `Random.nextInt(int bound)` for `bound > 0` (Java throws otherwise; callers here never
    /// pass one): rejection sampling so every value is equally likely.
    fn next_int(&mut self, bound: i32) -> i32 {
        debug_assert!(bound > 0, "Random.nextInt: bound must be positive");
        let bound = bound.max(1);
        let mut r = self.next_bits(31);
        let m = bound - 1;
        if bound & m == 0 {
            // A power of two: the high bits.
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            // Java's `u - r + m < 0` relies on int overflow to reject the last partial range.
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next_bits(31);
        }
    }

    /// `Collections.shuffle(list, random)` on a random-access list.
    fn shuffle<T>(&mut self, list: &mut [T])
    where
        Self: Sized,
    {
        for i in (2..=list.len()).rev() {
            let j = self.next_int(i32::try_from(i).unwrap_or(i32::MAX));
            list.swap(i - 1, usize::try_from(j).unwrap_or(0));
        }
    }
}

/// `java.util.Random`: a 48-bit linear congruential generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaRandom {
    seed: i64,
}

const MULTIPLIER: i64 = 0x5_DEEC_E66D;
const ADDEND: i64 = 0xB;
const MASK: i64 = (1 << 48) - 1;

impl JavaRandom {
    /// `new Random(seed)`: the seed is scrambled as Java's `initialScramble` does.
    pub fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed ^ MULTIPLIER) & MASK,
        }
    }

    /// The internal 48-bit state, to save and restore the generator.
    pub fn state(&self) -> i64 {
        self.seed
    }

    /// A generator at a saved internal state.
    pub fn from_state(state: i64) -> Self {
        JavaRandom { seed: state & MASK }
    }
}

impl RandomBits for JavaRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(MULTIPLIER).wrapping_add(ADDEND) & MASK;
        (self.seed >> (48 - bits)) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_jdk() {
        // `new Random(42).nextInt()` is -1170105035 and `new Random(0).nextInt(10)` is 0 on
        // every JDK (the algorithm is specified in Random's javadoc).
        assert_eq!(JavaRandom::new(42).next_bits(32), -1_170_105_035);
        let mut random = JavaRandom::new(42);
        let ints: Vec<i32> = (0..5).map(|_| random.next_int(10)).collect();
        assert_eq!(ints, vec![0, 3, 8, 4, 0]);
        let mut random = JavaRandom::new(0);
        assert_eq!(random.next_int(10), 0);
    }

    #[test]
    fn power_of_two_bounds_take_the_high_bits() {
        let mut a = JavaRandom::new(7);
        let mut b = JavaRandom::new(7);
        let bits = b.next_bits(31);
        assert_eq!(a.next_int(16), ((16_i64 * i64::from(bits)) >> 31) as i32);
    }

    #[test]
    fn shuffle_matches_collections_shuffle() {
        // OpenJDK 17: `Collections.shuffle(List.of(0..9) as ArrayList, new Random(1))`.
        let mut random = JavaRandom::new(1);
        let mut list: Vec<i32> = (0..10).collect();
        random.shuffle(&mut list);
        assert_eq!(list, vec![6, 9, 7, 8, 4, 2, 0, 3, 1, 5]);
    }
}
