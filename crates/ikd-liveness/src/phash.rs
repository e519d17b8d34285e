//! A perceptual hash of a frame, for the server's replay check.
//!
//! The SHA-256 of a frame's JPEG only catches the same bytes sent again: decoding a stored selfie
//! and encoding it again (another quality, a pixel of shift) makes new bytes of the same picture.
//! [`PerceptualHash`] is a difference hash (dHash) of the whole grey frame: the frame is averaged
//! down to 17 × 16 cells and each of the 256 bits says whether a cell is brighter than its
//! right-hand neighbour. A bit is *sure* only when the two cells differ by more than
//! [`MARGIN`] grey levels: in a flat background the neighbours are equal and such a bit would
//! follow the sensor noise and the JPEG rounding, not the picture. Two hashes differ where one
//! is sure and the other is not, or both are sure the other way ([`PerceptualHash::distance`]);
//! [`REPLAY_DISTANCE`] or fewer differences is the same picture, and evidence most of whose
//! frames are pictures of one earlier evidence is a replay ([`is_replay`]). The hash ignores JPEG
//! re-encoding and brightness, catches a shift of a pixel or two or a scaling of 2–3 % about half
//! of the time, and a larger change rarely.
//! Why the whole frame (not the face box) and why these numbers: `docs/liveness.md`, measured
//! with `examples/replay_eval.rs`.
//!
//! A dHash over the grey frame this crate already holds is a few lines; the maintained crate
//! (`image_hasher`) would add a DCT/FFT stack for hashes this check does not use, and has no
//! notion of unsure bits.

use crate::frame::GrayFrame;

/// Cells across (one more than the bits in a row).
const COLS: usize = 17;
/// Cells down.
const ROWS: usize = 16;

/// Neighbouring cells closer than this (grey levels) give an unsure bit.
pub const MARGIN: u32 = 2;

/// At most this many differences (of 256): the same picture.
pub const REPLAY_DISTANCE: u32 = 6;

/// Whether evidence of `frames` key frames, `matching` of which are the same pictures as frames
/// of one earlier evidence, is a replay of it: at least two and at least half of its frames. One
/// frame alone is not enough: two honest selfies can share one pose in one room by chance (the
/// measurement found that), never most of their frames.
pub fn is_replay(matching: usize, frames: usize) -> bool {
    matching >= 2 && 2 * matching >= frames
}

/// A frame's perceptual hash: 256 bits and which of them are sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerceptualHash {
    bits: [u64; 4],
    sure: [u64; 4],
}

impl PerceptualHash {
    /// The hash of the whole frame.
    pub fn of(frame: &GrayFrame) -> PerceptualHash {
        PerceptualHash::of_region(frame, (0, 0, frame.width(), frame.height()), MARGIN)
    }

    /// The hash of a region `(x, y, w, h)` of `frame` (clipped to the frame; a region smaller
    /// than the grid has no sure bit), with neighbours closer than `margin` grey levels unsure.
    pub fn of_region(frame: &GrayFrame, region: (i32, i32, u32, u32), margin: u32) -> Self {
        let (x, y, w, h) = region;
        let (fw, fh) = (i64::from(frame.width()), i64::from(frame.height()));
        let x0 = i64::from(x).clamp(0, fw);
        let y0 = i64::from(y).clamp(0, fh);
        let x1 = (i64::from(x) + i64::from(w)).clamp(0, fw);
        let y1 = (i64::from(y) + i64::from(h)).clamp(0, fh);
        let mut hash = PerceptualHash {
            bits: [0; 4],
            sure: [0; 4],
        };
        if x1 - x0 < COLS as i64 || y1 - y0 < ROWS as i64 {
            return hash;
        }
        let px = frame.pixels();
        let mut bit = 0;
        for r in 0..ROWS as i64 {
            let ya = y0 + (y1 - y0) * r / ROWS as i64;
            let yb = y0 + (y1 - y0) * (r + 1) / ROWS as i64;
            // Cell means, times 1024, so cells of slightly different sizes compare fairly.
            let cells: Vec<i64> = (0..COLS as i64)
                .map(|c| {
                    let xa = x0 + (x1 - x0) * c / COLS as i64;
                    let xb = x0 + (x1 - x0) * (c + 1) / COLS as i64;
                    let sum: i64 = (ya..yb)
                        .map(|yy| {
                            let line = (yy * fw) as usize;
                            px[line + xa as usize..line + xb as usize]
                                .iter()
                                .map(|&p| i64::from(p))
                                .sum::<i64>()
                        })
                        .sum();
                    sum * 1024 / ((xb - xa) * (yb - ya)).max(1)
                })
                .collect();
            for pair in cells.windows(2) {
                let diff = pair[0] - pair[1];
                if diff > 0 {
                    hash.bits[bit / 64] |= 1 << (bit % 64);
                }
                if diff.abs() > i64::from(margin) * 1024 {
                    hash.sure[bit / 64] |= 1 << (bit % 64);
                }
                bit += 1;
            }
        }
        hash
    }

    /// How many of the 256 neighbour pairs disagree: one says brighter and the other darker,
    /// or one is sure and the other is not (an edge in one picture, a flat wall in the other).
    pub fn distance(&self, other: &PerceptualHash) -> u32 {
        (0..4)
            .map(|i| {
                let both = self.sure[i] & other.sure[i];
                (((self.bits[i] ^ other.bits[i]) & both) | (self.sure[i] ^ other.sure[i]))
                    .count_ones()
            })
            .sum()
    }

    /// Whether `other` is the same picture ([`REPLAY_DISTANCE`]).
    pub fn same_picture(&self, other: &PerceptualHash) -> bool {
        self.distance(other) <= REPLAY_DISTANCE
    }

    /// The stored form: 32 bytes of bits, then 32 bytes of the sure mask (little-endian words).
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        for i in 0..4 {
            out[i * 8..i * 8 + 8].copy_from_slice(&self.bits[i].to_le_bytes());
            out[32 + i * 8..32 + i * 8 + 8].copy_from_slice(&self.sure[i].to_le_bytes());
        }
        out
    }

    /// Reads [`Self::to_bytes`]'s form; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<PerceptualHash> {
        if bytes.len() != 64 {
            return None;
        }
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(w)
        };
        Some(PerceptualHash {
            bits: [word(0), word(8), word(16), word(24)],
            sure: [word(32), word(40), word(48), word(56)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(f: impl Fn(u32, u32) -> u8) -> GrayFrame {
        let (w, h) = (320, 240);
        let pixels = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y));
        GrayFrame::new(w, h, pixels.collect()).expect("frame")
    }

    fn picture(x: u32, y: u32) -> u8 {
        ((x * 7 + y * 3) % 97 + (x / 40) * 12) as u8
    }

    #[test]
    fn brightness_does_not_change_the_hash_and_another_picture_does() {
        let a = PerceptualHash::of(&frame(picture));
        let brighter = PerceptualHash::of(&frame(|x, y| picture(x, y).saturating_add(40)));
        assert_eq!(a.distance(&brighter), 0);
        let mirrored = PerceptualHash::of(&frame(|x, y| picture(319 - x, y)));
        assert!(!a.same_picture(&mirrored), "{}", a.distance(&mirrored));
    }

    #[test]
    fn a_flat_frame_has_no_sure_bit_and_the_stored_form_round_trips() {
        let flat = PerceptualHash::of(&frame(|_, _| 128));
        assert_eq!(flat.sure, [0; 4]);
        let a = PerceptualHash::of(&frame(picture));
        assert_eq!(PerceptualHash::from_bytes(&a.to_bytes()), Some(a));
        assert_eq!(PerceptualHash::from_bytes(&[0; 63]), None);
    }
}
