//! Rendering a presentation as a QR code (ISO/IEC 18004), as SVG or as a grey-level matrix.
//!
//! A presentation is encoded as one alphanumeric-mode segment at error-correction level M, in the
//! smallest version that holds it, so the symbol size is predictable from the text length alone
//! ([`alphanumeric_version`]); [`QrImage::new`] never encodes anything but QR-alphanumeric text
//! (`0-9 A-Z space $ % * + - . / :`): a presentation always is, and anything else is a bug. The
//! registration QR, whose base64url signature has lower case, goes through [`QrImage::any_text`].

use qrcode::bits::Bits;
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode, Version};
use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};

/// Light modules around the symbol, as ISO/IEC 18004 requires.
pub const QUIET_ZONE_MODULES: usize = 4;
/// Largest accepted module size in pixels for the renderers (larger values are clamped).
pub const MAX_MODULE_PX: u32 = 64;

/// Data codewords of QR versions 1–40 at error-correction level M (ISO/IEC 18004 Table 7).
const DATA_CODEWORDS_M: [u16; 40] = [
    16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669,
    714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914,
    1992, 2102, 2216, 2334,
];

/// Whether `c` is in the QR alphanumeric set (which is also the Base45 alphabet).
pub fn is_qr_alphanumeric(c: char) -> bool {
    matches!(c, '0'..='9' | 'A'..='Z' | ' ' | '$' | '%' | '*' | '+' | '-' | '.' | '/' | ':')
}

/// The smallest QR version (1–40) holding `chars` alphanumeric characters at level M, or `None`
/// when even version 40 is too small (more than 3,391 characters).
///
/// Bits needed: 4 (mode) + character count (9, 11 or 13 bits for versions 1–9, 10–26, 27–40)
/// + 11 per pair of characters + 6 for an odd last one.
pub fn alphanumeric_version(chars: usize) -> Option<i16> {
    let data_bits = 11 * (chars / 2) + 6 * (chars % 2);
    (1..=40i16).find(|&version| {
        let count_bits = match version {
            1..=9 => 9,
            10..=26 => 11,
            _ => 13,
        };
        let fits_count = chars < (1usize << count_bits);
        let capacity = usize::from(DATA_CODEWORDS_M[(version - 1) as usize]) * 8;
        fits_count && 4 + count_bits + data_bits <= capacity
    })
}

/// Text that cannot become a QR code here.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QrError {
    /// A character outside the QR alphanumeric set.
    #[error("character at position {position} is not QR-alphanumeric")]
    NotAlphanumeric {
        /// Character index of the first offending character.
        position: usize,
    },
    /// More than a version-40 symbol holds at level M.
    #[error("{chars} characters do not fit in a QR code")]
    TooLong {
        /// The text length.
        chars: usize,
    },
    /// The QR encoder refused the data (should not happen after the checks above).
    #[error("QR encoder failed")]
    Encoder,
}

impl Localized for QrError {
    fn code(&self) -> &'static str {
        match self {
            QrError::NotAlphanumeric { .. } => "qr_not_alphanumeric",
            QrError::TooLong { .. } => "qr_too_long",
            QrError::Encoder => "qr_encoder_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            QrError::NotAlphanumeric { position } => pick(
                lang,
                format!("Teks untuk kode QR memuat karakter tidak didukung (posisi {position})."),
                format!("The QR text contains an unsupported character (position {position})."),
            ),
            QrError::TooLong { chars } => pick(
                lang,
                format!("Teks sepanjang {chars} karakter terlalu panjang untuk kode QR."),
                format!("A text of {chars} characters is too long for a QR code."),
            ),
            QrError::Encoder => pick(
                lang,
                "Kode QR gagal dibuat.".to_owned(),
                "The QR code could not be created.".to_owned(),
            ),
        }
    }
}

/// A grey-level raster: row-major, one byte per pixel, 0 = black, 255 = white.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreyImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` pixels, row by row.
    pub pixels: Vec<u8>,
}

/// An encoded QR symbol, ready to render.
#[derive(Clone)]
pub struct QrImage {
    code: QrCode,
    version: i16,
}

impl std::fmt::Debug for QrImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrImage")
            .field("version", &self.version)
            .field("width", &self.width())
            .finish()
    }
}

impl QrImage {
    /// Encodes QR-alphanumeric `text` (e.g. a presentation) as one alphanumeric segment at
    /// error-correction level M, in the smallest version that holds it.
    pub fn new(text: &str) -> Result<QrImage, QrError> {
        if let Some(position) = text.chars().position(|c| !is_qr_alphanumeric(c)) {
            return Err(QrError::NotAlphanumeric { position });
        }
        let chars = text.len();
        let version = alphanumeric_version(chars).ok_or(QrError::TooLong { chars })?;
        let mut bits = Bits::new(Version::Normal(version));
        bits.push_alphanumeric_data(text.as_bytes())
            .and_then(|()| bits.push_terminator(EcLevel::M))
            .map_err(|_| QrError::Encoder)?;
        let code = QrCode::with_bits(bits, EcLevel::M).map_err(|_| QrError::Encoder)?;
        Ok(QrImage { code, version })
    }

    /// Encodes a short text of any characters (the registration QR) at error-correction level
    /// M, the encoder choosing the segments, in the smallest version that holds it.
    pub fn any_text(text: &str) -> Result<QrImage, QrError> {
        let chars = text.len();
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|_| QrError::TooLong { chars })?;
        let (Version::Normal(version) | Version::Micro(version)) = code.version();
        Ok(QrImage { code, version })
    }

    /// The QR version, 1–40 (the symbol is `17 + 4 × version` modules wide).
    pub fn version(&self) -> i16 {
        self.version
    }

    /// Width (and height) in modules, without the quiet zone.
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// Whether the module at (`x`, `y`) (without quiet zone) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width() && y < self.width() && self.code[(x, y)] == Color::Dark
    }

    /// An SVG document: black modules on white, with a 4-module quiet zone, `module_px` user
    /// units per module (clamped to 1..=[`MAX_MODULE_PX`]).
    pub fn to_svg(&self, module_px: u32) -> String {
        let px = module_px.clamp(1, MAX_MODULE_PX);
        self.code
            .render::<svg::Color<'_>>()
            .quiet_zone(true)
            .module_dimensions(px, px)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
    }

    /// A grey-level raster with the quiet zone, `module_px` pixels per module (clamped to
    /// 1..=[`MAX_MODULE_PX`]).
    pub fn to_grey(&self, module_px: u32) -> GreyImage {
        let px = module_px.clamp(1, MAX_MODULE_PX) as usize;
        let modules = self.width() + 2 * QUIET_ZONE_MODULES;
        let side = modules * px;
        let mut pixels = vec![255u8; side * side];
        for y in 0..self.width() {
            for x in 0..self.width() {
                if !self.is_dark(x, y) {
                    continue;
                }
                let (left, top) = ((x + QUIET_ZONE_MODULES) * px, (y + QUIET_ZONE_MODULES) * px);
                for row in top..top + px {
                    pixels[row * side + left..row * side + left + px].fill(0);
                }
            }
        }
        let side = u32::try_from(side).unwrap_or(u32::MAX);
        GreyImage {
            width: side,
            height: side,
            pixels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicted_version_matches_the_iso_capacity_table() {
        // Alphanumeric capacities at level M from ISO/IEC 18004 Table 7.
        for (version, capacity) in [(1, 20), (2, 38), (10, 311), (20, 970), (40, 3_391)] {
            assert_eq!(
                alphanumeric_version(capacity),
                Some(version),
                "{capacity} chars"
            );
            assert_ne!(alphanumeric_version(capacity + 1), Some(version));
        }
        assert_eq!(alphanumeric_version(3_392), None);
    }

    #[test]
    fn the_encoder_agrees_with_the_prediction_and_no_smaller_version_fits() {
        for chars in (1..=3_391).step_by(37) {
            let text = "IKD1:%*+-./ "
                .chars()
                .cycle()
                .take(chars)
                .collect::<String>();
            let image = QrImage::new(&text);
            let version = alphanumeric_version(chars).unwrap_or_default();
            assert_eq!(image.as_ref().map(QrImage::version), Ok(version));
            if version > 1 {
                let mut bits = Bits::new(Version::Normal(version - 1));
                let smaller = bits
                    .push_alphanumeric_data(text.as_bytes())
                    .and_then(|()| bits.push_terminator(EcLevel::M));
                assert!(
                    smaller.is_err(),
                    "{chars} chars fit in version {}",
                    version - 1
                );
            }
        }
    }

    #[test]
    fn lower_case_is_refused() {
        assert_eq!(
            QrImage::new("IKD1:abc").err(),
            Some(QrError::NotAlphanumeric { position: 5 })
        );
    }

    #[test]
    fn grey_image_has_a_white_quiet_zone_and_black_finder_corner() {
        let image = QrImage::new("IKD1:HELLO").unwrap_or_else(|e| panic!("{e}"));
        let grey = image.to_grey(3);
        let side = (image.width() + 8) * 3;
        assert_eq!(
            (grey.width as usize, grey.pixels.len()),
            (side, side * side)
        );
        assert!(grey.pixels[..side * 12].iter().all(|&p| p == 255));
        // The top-left finder pattern starts right after the quiet zone.
        assert_eq!(grey.pixels[12 * side + 12], 0);
        let svg = image.to_svg(4);
        assert!(svg.contains("fill=\"#ffffff\"") && svg.contains("fill=\"#000000\""));
    }
}
