//! One frame: face detection (SeetaFace frontal model through `rustface`) and quality gates.

use std::io::Cursor;
use std::sync::OnceLock;

use rustface::{ImageData, Model};
use serde::{Deserialize, Serialize};

use ikd_core::i18n::{Lang, Localized, pick};
use ikd_core::liveness::Face;

use crate::frame::GrayFrame;

/// The SeetaFace frontal face detection model (BSD-2-Clause, shipped in the `rustface`
/// package; licence beside it in `assets/`).
static MODEL_BYTES: &[u8] = include_bytes!("../assets/seeta_fd_frontal_v1.0.bin");

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        rustface::read_model(Cursor::new(MODEL_BYTES))
            .expect("the face model embedded at build time is valid")
    })
}

/// Why a frame cannot be used, in the order the resident should fix things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameIssue {
    /// The picture is too dark.
    TooDark,
    /// The picture is washed out.
    TooBright,
    /// No face is seen.
    NoFace,
    /// More than one face is seen.
    SeveralFaces,
    /// The face is too small.
    TooFar,
    /// The face fills the picture.
    TooClose,
    /// The face is cut by the picture's edge.
    OffFrame,
    /// The face is blurred (movement or focus).
    Blurred,
}

impl Localized for FrameIssue {
    fn code(&self) -> &'static str {
        match self {
            FrameIssue::TooDark => "too_dark",
            FrameIssue::TooBright => "too_bright",
            FrameIssue::NoFace => "no_face",
            FrameIssue::SeveralFaces => "several_faces",
            FrameIssue::TooFar => "too_far",
            FrameIssue::TooClose => "too_close",
            FrameIssue::OffFrame => "off_frame",
            FrameIssue::Blurred => "blurred",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            FrameIssue::TooDark => (
                "Terlalu gelap. Pindah ke tempat yang lebih terang atau hadap ke cahaya.",
                "Too dark. Move somewhere brighter or face the light.",
            ),
            FrameIssue::TooBright => (
                "Terlalu terang. Jangan membelakangi atau menghadap lampu langsung.",
                "Too bright. Do not stand against or straight into a strong light.",
            ),
            FrameIssue::NoFace => (
                "Wajah tidak terlihat. Arahkan kamera depan ke wajah Anda.",
                "No face is seen. Point the front camera at your face.",
            ),
            FrameIssue::SeveralFaces => (
                "Terlihat lebih dari satu wajah. Pastikan hanya Anda di depan kamera.",
                "More than one face is seen. Make sure only you are in front of the camera.",
            ),
            FrameIssue::TooFar => (
                "Wajah terlalu jauh. Dekatkan ponsel sedikit.",
                "Your face is too far. Bring the phone a little closer.",
            ),
            FrameIssue::TooClose => (
                "Wajah terlalu dekat. Jauhkan ponsel sedikit.",
                "Your face is too close. Hold the phone a little further away.",
            ),
            FrameIssue::OffFrame => (
                "Wajah terpotong tepi gambar. Geser ke tengah.",
                "Your face is cut off by the edge. Move back to the middle.",
            ),
            FrameIssue::Blurred => (
                "Gambar buram. Bergerak lebih pelan dan bersihkan lensa kamera.",
                "The picture is blurred. Move more slowly and wipe the camera lens.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

/// What one frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameReport {
    /// The face, when exactly one is seen.
    pub face: Option<Face>,
    /// How many faces were seen.
    pub faces: usize,
    /// Mean grey level of the frame.
    pub brightness: f32,
    /// Sharpness of the face region (0 without a face).
    pub sharpness: f32,
    /// Why the frame cannot be used, if it cannot.
    pub issue: Option<FrameIssue>,
}

impl FrameReport {
    /// A usable face: exactly one, well lit, sharp, whole and of a workable size.
    pub fn good_face(&self) -> Option<Face> {
        if self.issue.is_none() {
            self.face
        } else {
            None
        }
    }
}

/// Detector settings and quality thresholds. The defaults are tuned for 320×240 frames.
#[derive(Debug, Clone)]
pub struct FaceDetector {
    /// Smallest face searched for, in pixels.
    pub min_face: u32,
    /// Scale between pyramid levels: closer to 1 finds face sizes more finely, and costs more.
    pub pyramid_scale: f32,
    /// Detector score threshold (SeetaFace: 2.0 is permissive, 4.5 strict).
    pub score_threshold: f64,
    /// Frame mean below this is too dark.
    pub dark: f32,
    /// Frame mean above this is too bright.
    pub bright: f32,
    /// Face width below this share of the frame width is too far.
    pub min_face_share: f32,
    /// Face width above this share of the frame width is too close.
    pub max_face_share: f32,
    /// Face region sharpness below this is blurred.
    pub min_sharpness: f32,
}

impl Default for FaceDetector {
    fn default() -> Self {
        FaceDetector {
            min_face: 40,
            pyramid_scale: 0.85,
            score_threshold: 2.0,
            dark: 45.0,
            bright: 215.0,
            min_face_share: 0.14,
            max_face_share: 0.8,
            min_sharpness: 1.0,
        }
    }
}

/// Analyses one frame with the default settings.
pub fn analyze(frame: &GrayFrame) -> FrameReport {
    FaceDetector::default().analyze(frame)
}

impl FaceDetector {
    /// Faces in a frame, largest first.
    pub fn detect(&self, frame: &GrayFrame) -> Vec<Face> {
        let mut detector = rustface::create_detector_with_model(model().clone());
        detector.set_min_face_size(self.min_face.max(20));
        detector.set_score_thresh(self.score_threshold);
        detector.set_pyramid_scale_factor(self.pyramid_scale);
        detector.set_slide_window_step(4, 4);
        let image = ImageData::new(frame.pixels(), frame.width(), frame.height());
        let mut faces: Vec<Face> = detector
            .detect(&image)
            .iter()
            .map(|f| {
                let b = f.bbox();
                Face {
                    x: b.x(),
                    y: b.y(),
                    w: b.width(),
                    h: b.height(),
                }
            })
            .collect();
        faces.sort_by_key(|f| std::cmp::Reverse(f.w));
        faces
    }

    /// Detection and quality gates for one frame.
    pub fn analyze(&self, frame: &GrayFrame) -> FrameReport {
        let brightness = frame.mean();
        let faces = self.detect(frame);
        let face = match faces.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let sharpness = face.map_or(0.0, |f| frame.region_sharpness(f.x, f.y, f.w, f.h));
        let width = frame.width() as f32;
        let issue = if brightness < self.dark {
            Some(FrameIssue::TooDark)
        } else if brightness > self.bright {
            Some(FrameIssue::TooBright)
        } else if faces.len() > 1 {
            Some(FrameIssue::SeveralFaces)
        } else if let Some(f) = face {
            let share = f.w as f32 / width;
            let margin = f.w as i32 / 10;
            let cut = f.x < -margin
                || f.y < -margin
                || f.x + f.w as i32 > frame.width() as i32 + margin
                || f.y + f.h as i32 > frame.height() as i32 + margin;
            let face_level = frame.region_mean(f.x, f.y, f.w, f.h);
            if share < self.min_face_share {
                Some(FrameIssue::TooFar)
            } else if share > self.max_face_share {
                Some(FrameIssue::TooClose)
            } else if cut {
                Some(FrameIssue::OffFrame)
            } else if face_level < self.dark {
                Some(FrameIssue::TooDark)
            } else if sharpness < self.min_sharpness {
                Some(FrameIssue::Blurred)
            } else {
                None
            }
        } else {
            Some(FrameIssue::NoFace)
        };
        FrameReport {
            face,
            faces: faces.len(),
            brightness,
            sharpness,
            issue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_loads() {
        let _ = model();
    }

    #[test]
    fn a_flat_grey_frame_has_no_face() {
        let report = analyze(&GrayFrame::new(320, 240, vec![128; 320 * 240]).expect("valid"));
        assert_eq!(report.issue, Some(FrameIssue::NoFace));
        assert_eq!(report.good_face(), None);
    }

    #[test]
    fn a_black_frame_is_too_dark_before_anything_else() {
        let report = analyze(&GrayFrame::new(320, 240, vec![5; 320 * 240]).expect("valid"));
        assert_eq!(report.issue, Some(FrameIssue::TooDark));
    }

    #[test]
    fn every_issue_has_both_languages() {
        for issue in [
            FrameIssue::TooDark,
            FrameIssue::TooBright,
            FrameIssue::NoFace,
            FrameIssue::SeveralFaces,
            FrameIssue::TooFar,
            FrameIssue::TooClose,
            FrameIssue::OffFrame,
            FrameIssue::Blurred,
        ] {
            assert_ne!(issue.message(Lang::Id), issue.message(Lang::En));
            assert!(!issue.code().is_empty());
        }
    }
}
