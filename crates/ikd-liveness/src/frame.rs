//! Grey-level camera frames: what the analysis reads, what the evidence carries as JPEG.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, ImageFormat, ImageReader, Limits};
use thiserror::Error;

use ikd_core::i18n::{Lang, Localized, pick};

/// The size the app hands to the analysis (downscaled in the webview).
pub const FRAME_WIDTH: u32 = 320;
/// See [`FRAME_WIDTH`].
pub const FRAME_HEIGHT: u32 = 240;
/// The largest frame accepted (from the app or in evidence).
pub const MAX_WIDTH: u32 = 640;
/// See [`MAX_WIDTH`].
pub const MAX_HEIGHT: u32 = 480;
/// The smallest frame accepted: smaller frames cannot hold a detectable face.
const MIN_SIDE: u32 = 64;

/// A frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// Width or height outside 64–640 × 64–480, or the bytes do not match them.
    #[error("frame of {width}×{height} with {len} bytes is not a supported frame")]
    BadSize {
        /// Width claimed.
        width: u32,
        /// Height claimed.
        height: u32,
        /// Bytes received.
        len: usize,
    },
    /// The evidence frame is not a JPEG this analysis can read.
    #[error("evidence frame is not a readable JPEG")]
    NotJpeg,
}

impl Localized for FrameError {
    fn code(&self) -> &'static str {
        match self {
            FrameError::BadSize { .. } => "frame_bad_size",
            FrameError::NotJpeg => "frame_not_jpeg",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            FrameError::BadSize { .. } => (
                "Gambar kamera tidak dapat dibaca. Tutup lalu buka lagi layar swafoto.",
                "The camera picture could not be read. Close and reopen the selfie screen.",
            ),
            FrameError::NotJpeg => (
                "Foto bukti swafoto rusak. Ulangi swafoto.",
                "A selfie evidence photo is damaged. Take the selfie again.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

/// A grey-level (luma) frame, row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct GrayFrame {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl std::fmt::Debug for GrayFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GrayFrame({}×{})", self.width, self.height)
    }
}

fn check_size(width: u32, height: u32, len: usize, per_pixel: usize) -> Result<(), FrameError> {
    let ok = (MIN_SIDE..=MAX_WIDTH).contains(&width)
        && (MIN_SIDE..=MAX_HEIGHT).contains(&height)
        && len == width as usize * height as usize * per_pixel;
    if ok {
        Ok(())
    } else {
        Err(FrameError::BadSize { width, height, len })
    }
}

impl GrayFrame {
    /// A frame from grey-level bytes.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Result<Self, FrameError> {
        check_size(width, height, pixels.len(), 1)?;
        Ok(GrayFrame {
            width,
            height,
            pixels,
        })
    }

    /// A frame from RGBA bytes (a canvas's `ImageData`), converted to luma (BT.601).
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Self, FrameError> {
        check_size(width, height, rgba.len(), 4)?;
        let pixels = rgba
            .chunks_exact(4)
            .map(|p| {
                let y = 299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]);
                (y / 1000) as u8
            })
            .collect();
        Ok(GrayFrame {
            width,
            height,
            pixels,
        })
    }

    /// Decodes a JPEG (colour or grey) into a grey frame, refusing anything larger than
    /// [`MAX_WIDTH`] × [`MAX_HEIGHT`] before decoding it.
    pub fn from_jpeg(bytes: &[u8]) -> Result<Self, FrameError> {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_WIDTH);
        limits.max_image_height = Some(MAX_HEIGHT);
        limits.max_alloc = Some(8 * 1024 * 1024);
        reader.limits(limits);
        let image = reader.decode().map_err(|_| FrameError::NotJpeg)?.to_luma8();
        let (width, height) = image.dimensions();
        GrayFrame::new(width, height, image.into_raw()).map_err(|_| FrameError::NotJpeg)
    }

    /// Encodes the frame as a grey JPEG (about 8–15 KB at 320×240, quality 85).
    pub fn to_jpeg(&self, quality: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 * 1024);
        let encoder = JpegEncoder::new_with_quality(&mut out, quality);
        // Encoding a valid grey buffer into memory cannot fail.
        let _ = encoder.write_image(
            &self.pixels,
            self.width,
            self.height,
            image::ExtendedColorType::L8,
        );
        out
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The grey levels, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Mean grey level of the whole frame.
    pub fn mean(&self) -> f32 {
        let sum: u64 = self.pixels.iter().map(|&p| u64::from(p)).sum();
        sum as f32 / self.pixels.len() as f32
    }

    /// The part of `(x, y, w, h)` inside the frame, as `(x0, y0, x1, y1)`.
    fn clamp(&self, x: i32, y: i32, w: u32, h: u32) -> (usize, usize, usize, usize) {
        let x0 = x.clamp(0, self.width as i32) as usize;
        let y0 = y.clamp(0, self.height as i32) as usize;
        let x1 = (x + w as i32).clamp(0, self.width as i32) as usize;
        let y1 = (y + h as i32).clamp(0, self.height as i32) as usize;
        (x0, y0, x1, y1)
    }

    /// Mean grey level inside a rectangle (0 when it lies outside the frame).
    pub fn region_mean(&self, x: i32, y: i32, w: u32, h: u32) -> f32 {
        let (x0, y0, x1, y1) = self.clamp(x, y, w, h);
        let n = (x1.saturating_sub(x0)) * (y1.saturating_sub(y0));
        if n == 0 {
            return 0.0;
        }
        let w = self.width as usize;
        let sum: u64 = (y0..y1)
            .flat_map(|row| self.pixels[row * w + x0..row * w + x1].iter())
            .map(|&p| u64::from(p))
            .sum();
        sum as f32 / n as f32
    }

    /// Sharpness inside a rectangle: the variance of the 4-neighbour Laplacian, divided by the
    /// region's mean level so that a darker picture of the same face is not called blurred.
    pub fn region_sharpness(&self, x: i32, y: i32, w: u32, h: u32) -> f32 {
        let (x0, y0, x1, y1) = self.clamp(x, y, w, h);
        let (x0, y0) = (x0.max(1), y0.max(1));
        let x1 = x1.min(self.width as usize - 1);
        let y1 = y1.min(self.height as usize - 1);
        if x1 <= x0 || y1 <= y0 {
            return 0.0;
        }
        let stride = self.width as usize;
        let p = |x: usize, y: usize| f64::from(self.pixels[y * stride + x]);
        let (mut sum, mut sum2, mut level) = (0.0f64, 0.0f64, 0.0f64);
        for y in y0..y1 {
            for x in x0..x1 {
                let lap = p(x - 1, y) + p(x + 1, y) + p(x, y - 1) + p(x, y + 1) - 4.0 * p(x, y);
                sum += lap;
                sum2 += lap * lap;
                level += p(x, y);
            }
        }
        let n = ((x1 - x0) * (y1 - y0)) as f64;
        let mean = sum / n;
        let variance = sum2 / n - mean * mean;
        (variance / (level / n).max(16.0)) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_outside_the_limits_are_refused() {
        assert!(GrayFrame::new(320, 240, vec![0; 320 * 240]).is_ok());
        for (w, h, len) in [
            (320, 240, 10),
            (1000, 240, 240_000),
            (32, 32, 1024),
            (0, 0, 0),
        ] {
            let err = GrayFrame::new(w, h, vec![0; len]).err();
            assert!(matches!(err, Some(FrameError::BadSize { .. })), "{w}×{h}");
        }
        assert!(GrayFrame::from_rgba(320, 240, &[0; 320 * 240]).is_err());
    }

    #[test]
    fn rgba_white_and_black_become_grey_extremes() {
        let mut rgba = vec![255u8; 64 * 64 * 4];
        rgba[..4].copy_from_slice(&[0, 0, 0, 255]);
        let f = GrayFrame::from_rgba(64, 64, &rgba).expect("valid size");
        assert_eq!(f.pixels()[0], 0);
        assert_eq!(f.pixels()[1], 255);
    }

    #[test]
    fn jpeg_round_trip_keeps_size_and_levels() {
        let pixels: Vec<u8> = (0..320 * 240)
            .map(|i| ((i % 320) * 255 / 320) as u8)
            .collect();
        let f = GrayFrame::new(320, 240, pixels).expect("valid");
        let jpeg = f.to_jpeg(85);
        assert!(jpeg.len() < 20_000, "{} bytes", jpeg.len());
        let back = GrayFrame::from_jpeg(&jpeg).expect("decodes");
        assert_eq!((back.width(), back.height()), (320, 240));
        assert!((back.mean() - f.mean()).abs() < 2.0);
    }

    #[test]
    fn a_blurred_region_is_less_sharp() {
        let sharp: Vec<u8> = (0..128 * 128)
            .map(|i| {
                if (i / 4 + i / 128 / 4) % 2 == 0 {
                    40
                } else {
                    200
                }
            })
            .collect();
        let flat = vec![120u8; 128 * 128];
        let s = GrayFrame::new(128, 128, sharp).expect("valid");
        let b = GrayFrame::new(128, 128, flat).expect("valid");
        assert!(s.region_sharpness(0, 0, 128, 128) > 10.0 * b.region_sharpness(0, 0, 128, 128));
        assert_eq!(b.region_sharpness(500, 500, 10, 10), 0.0);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_are_never_a_panic_as_jpeg(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = GrayFrame::from_jpeg(&bytes);
        }

        #[test]
        fn region_statistics_never_panic(x in -1000i32..1000, y in -1000i32..1000, w in 0u32..2000, h in 0u32..2000) {
            let f = GrayFrame::new(64, 64, vec![7; 64 * 64]).expect("valid");
            let m = f.region_mean(x, y, w, h);
            prop_assert!(m == 0.0 || (m - 7.0).abs() < 1e-3);
            prop_assert!(f.region_sharpness(x, y, w, h) >= 0.0);
        }
    }
}
