//! The face box the app reports in each evidence frame: pixel geometry only (the detection that
//! finds it lives in the `ikd-liveness` crate).

use serde::{Deserialize, Serialize};

/// A detected face, in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Face {
    /// Left edge (may be negative when the face leaves the frame).
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

impl Face {
    /// Horizontal centre.
    pub fn cx(&self) -> f32 {
        self.x as f32 + self.w as f32 / 2.0
    }

    /// Vertical centre.
    pub fn cy(&self) -> f32 {
        self.y as f32 + self.h as f32 / 2.0
    }

    /// Intersection over union with another box.
    pub fn iou(&self, other: &Face) -> f32 {
        // Wide arithmetic: boxes in evidence come from the network and may be anything.
        let (ax, ay, aw, ah) = (
            i64::from(self.x),
            i64::from(self.y),
            i64::from(self.w),
            i64::from(self.h),
        );
        let (bx, by, bw, bh) = (
            i64::from(other.x),
            i64::from(other.y),
            i64::from(other.w),
            i64::from(other.h),
        );
        let x0 = ax.max(bx);
        let y0 = ay.max(by);
        let x1 = (ax + aw).min(bx + bw);
        let y1 = (ay + ah).min(by + bh);
        let inter = ((x1 - x0).max(0) as f64) * ((y1 - y0).max(0) as f64);
        // Areas in floating point: two u32 sides multiply past i64 (4e9 × 4e9).
        let union = aw as f64 * ah as f64 + bw as f64 * bh as f64 - inter;
        let (inter, union) = (inter as f32, union as f32);
        if union <= 0.0 { 0.0 } else { inter / union }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_of_a_box_with_itself_is_one_and_disjoint_is_zero() {
        let a = Face {
            x: 10,
            y: 10,
            w: 50,
            h: 50,
        };
        let b = Face {
            x: 100,
            y: 100,
            w: 50,
            h: 50,
        };
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
        assert_eq!(a.iou(&b), 0.0);
    }

    #[test]
    fn iou_of_the_largest_boxes_does_not_overflow() {
        let huge = Face {
            x: i32::MAX,
            y: i32::MIN,
            w: u32::MAX,
            h: u32::MAX,
        };
        let face = Face {
            x: 100,
            y: 80,
            w: 90,
            h: 90,
        };
        for (a, b) in [(huge, face), (face, huge), (huge, huge)] {
            let iou = a.iou(&b);
            assert!((0.0..=1.0).contains(&iou), "{iou}");
        }
    }
}
