//! The generator's only source of randomness: a ChaCha8 stream seeded from the population seed.
//!
//! The helpers are written here (not taken from `rand`'s distributions) so that the numbers drawn
//! for a seed never change when a dependency's sampling algorithm does: only the pinned ChaCha8
//! stream matters. Never use a thread or OS random source in the generator.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// A deterministic random stream with the few draws the generator needs.
pub(crate) struct Dice(ChaCha8Rng);

impl Dice {
    /// The stream for `seed` (its little-endian bytes, zero-padded to the 32-byte ChaCha key).
    pub(crate) fn new(seed: u64) -> Dice {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        Dice(ChaCha8Rng::from_seed(key))
    }

    /// A number in `0..n` (`n` > 0; 0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        // Multiply-shift: bias below 2^-32 per draw, irrelevant for synthetic data.
        ((u64::from(self.0.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille
    }

    /// One item of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u32) as usize]
    }

    /// One value from `(value, weight)` pairs (weights need not sum to anything in particular).
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|&(_, w)| w).sum();
        let mut roll = self.below(total);
        for &(value, weight) in items {
            if roll < weight {
                return value;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }
}
