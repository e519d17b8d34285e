//! Synthetic camera sequences for tests, the measurement of `docs/liveness.md` and the app's
//! test frame source (feature `synthetic`; the app refuses it in release builds).
//!
//! The face is a grey crop of `astronaut.png` from scikit-image (Eileen Collins, NASA, public
//! domain), composited into a 320×240 frame over a textured background, moved and scaled along a
//! script, with per-sequence lighting, per-frame sensor noise and hand jitter. Everything is
//! deterministic for a seed.

use std::sync::OnceLock;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use crate::Action;
use crate::frame::{FRAME_HEIGHT, FRAME_WIDTH, GrayFrame};

mod key_frames;

pub use key_frames::{
    COMPLETING_TRIES, completing_key_frames, completing_selfie_key_frames, evidence_for, follow,
    key_frames, selfie_key_frames,
};

static FACE_PNG: &[u8] = include_bytes!("../assets/face-astronaut.png");

struct Sprite {
    w: u32,
    h: u32,
    pixels: Vec<u8>,
}

fn sprite() -> &'static Sprite {
    static SPRITE: OnceLock<Sprite> = OnceLock::new();
    SPRITE.get_or_init(|| {
        let img = image::load_from_memory_with_format(FACE_PNG, image::ImageFormat::Png)
            .expect("the face picture embedded at build time is a PNG")
            .to_luma8();
        Sprite {
            w: img.width(),
            h: img.height(),
            pixels: img.into_raw(),
        }
    })
}

/// Where a face is: centre and face-crop width in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    /// Horizontal centre.
    pub cx: f32,
    /// Vertical centre.
    pub cy: f32,
    /// Width of the face crop.
    pub width: f32,
}

impl Pose {
    /// The starting pose: centred, a third of the frame wide.
    pub const CENTRE: Pose = Pose {
        cx: FRAME_WIDTH as f32 / 2.0,
        cy: FRAME_HEIGHT as f32 / 2.0,
        width: 105.0,
    };

    /// The pose an action leads to from `self` (the picture is not mirrored: the resident's left
    /// is the image's right).
    pub fn after(self, action: Action) -> Pose {
        match action {
            Action::MoveLeft => Pose {
                cx: self.cx + 0.55 * self.width,
                ..self
            },
            Action::MoveRight => Pose {
                cx: self.cx - 0.55 * self.width,
                ..self
            },
            Action::MoveCloser => Pose {
                width: self.width * 1.55,
                ..self
            },
            Action::MoveBack => Pose {
                width: self.width * 0.65,
                ..self
            },
        }
    }

    fn lerp(a: Pose, b: Pose, t: f32) -> Pose {
        Pose {
            cx: a.cx + (b.cx - a.cx) * t,
            cy: a.cy + (b.cy - a.cy) * t,
            width: a.width + (b.width - a.width) * t,
        }
    }
}

/// How a sequence looks.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// Lighting gain on the face and background.
    pub gain: f32,
    /// Sensor noise amplitude (grey levels).
    pub noise: f32,
    /// A paper border around the face (a printed photo).
    pub paper: bool,
    /// The room behind the face.
    pub room: Room,
}

/// The room behind the face: a wall lit from above (grey level 150 at the top, darker by `slope`
/// a row) and a darker door 60 px wide.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    /// Left edge of the door.
    pub door_x: f32,
    /// How much darker the wall gets per row.
    pub slope: f32,
}

impl Room {
    /// The room of the measurement's sequences.
    pub const DEFAULT: Room = Room {
        door_x: 230.0,
        slope: 0.25,
    };

    /// Another room: the door anywhere from the left edge to the right, a steeper or flatter
    /// light (two selfies taken at different times and places).
    pub fn random(rng: &mut ChaCha8Rng) -> Room {
        Room {
            door_x: unit(rng) * 260.0,
            slope: 0.1 + unit(rng) * 0.3,
        }
    }
}

impl Look {
    /// A random, plausible look.
    pub fn random(rng: &mut ChaCha8Rng) -> Look {
        Look {
            gain: 0.75 + unit(rng) * 0.45,
            noise: 2.0 + unit(rng) * 6.0,
            paper: false,
            room: Room::DEFAULT,
        }
    }
}

fn unit(rng: &mut ChaCha8Rng) -> f32 {
    (rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32
}

/// Draws one frame with faces at `poses`.
pub fn render(poses: &[Pose], look: Look, rng: &mut ChaCha8Rng) -> GrayFrame {
    let (w, h) = (FRAME_WIDTH as usize, FRAME_HEIGHT as usize);
    let s = sprite();
    let mut px = vec![0f32; w * h];
    // A room: a vertical gradient with a door-like darker block.
    for y in 0..h {
        for x in 0..w {
            let door = (look.room.door_x..look.room.door_x + 60.0).contains(&(x as f32));
            let base = 150.0 - y as f32 * look.room.slope + if door { -35.0 } else { 0.0 };
            px[y * w + x] = base;
        }
    }
    for pose in poses {
        let scale = pose.width / s.w as f32;
        let fh = s.h as f32 * scale;
        let x0 = pose.cx - pose.width / 2.0;
        let y0 = pose.cy - fh / 2.0;
        let margin = if look.paper { 0.12 * pose.width } else { 0.0 };
        let (bx0, by0) = ((x0 - margin).floor() as i32, (y0 - margin).floor() as i32);
        let (bx1, by1) = (
            (x0 + pose.width + margin).ceil() as i32,
            (y0 + fh + margin).ceil() as i32,
        );
        for y in by0.max(0)..by1.min(h as i32) {
            for x in bx0.max(0)..bx1.min(w as i32) {
                let u = (x as f32 + 0.5 - x0) / scale;
                let v = (y as f32 + 0.5 - y0) / scale;
                let inside = u >= 0.0 && v >= 0.0 && u < s.w as f32 - 1.0 && v < s.h as f32 - 1.0;
                let i = y as usize * w + x as usize;
                if !inside {
                    if look.paper {
                        px[i] = 235.0; // the white border of the print
                    }
                    continue;
                }
                let (ui, vi) = (u as usize, v as usize);
                let (fu, fv) = (u - ui as f32, v - vi as f32);
                let at = |xx: usize, yy: usize| f32::from(s.pixels[yy * s.w as usize + xx]);
                let value = at(ui, vi) * (1.0 - fu) * (1.0 - fv)
                    + at(ui + 1, vi) * fu * (1.0 - fv)
                    + at(ui, vi + 1) * (1.0 - fu) * fv
                    + at(ui + 1, vi + 1) * fu * fv;
                // Soft oval edge so the crop blends into the room.
                let (nx, ny) = (u / s.w as f32 * 2.0 - 1.0, v / s.h as f32 * 2.0 - 1.0);
                let r = (nx * nx + ny * ny).sqrt();
                let alpha = if look.paper {
                    1.0
                } else {
                    ((1.15 - r) / 0.2).clamp(0.0, 1.0)
                };
                px[i] = px[i] * (1.0 - alpha) + value * alpha;
            }
        }
    }
    let pixels = px
        .into_iter()
        .map(|v| {
            let n = (unit(rng) + unit(rng) - 1.0) * look.noise;
            (v * look.gain + n).clamp(0.0, 255.0) as u8
        })
        .collect();
    GrayFrame::new(FRAME_WIDTH, FRAME_HEIGHT, pixels)
        .expect("the synthetic frame has the right size")
}

/// A moving-face script: the pose at each instant.
#[derive(Debug, Clone)]
pub struct Script {
    /// (time in ms, pose) key points; poses are interpolated between them.
    pub keys: Vec<(u32, Pose)>,
}

impl Script {
    /// A resident following `actions`: hold, move, hold, come back to the middle, …
    pub fn following(actions: &[Action], start: Pose, rng: &mut ChaCha8Rng) -> Script {
        let mut t = 500 + (unit(rng) * 700.0) as u32;
        let mut keys = vec![(0, start), (t, start)];
        for (i, &a) in actions.iter().enumerate() {
            let target = start.after(a);
            t += 600 + (unit(rng) * 600.0) as u32;
            keys.push((t, target));
            t += 300 + (unit(rng) * 400.0) as u32;
            keys.push((t, target));
            if i + 1 < actions.len() {
                t += 500 + (unit(rng) * 500.0) as u32;
                keys.push((t, start));
                t += 200 + (unit(rng) * 300.0) as u32;
                keys.push((t, start));
            }
        }
        keys.push((t + 600, start));
        Script { keys }
    }

    /// A face held still for `ms`.
    pub fn still(pose: Pose, ms: u32) -> Script {
        Script {
            keys: vec![(0, pose), (ms, pose)],
        }
    }

    /// How long the script lasts.
    pub fn duration_ms(&self) -> u32 {
        self.keys.last().map_or(0, |k| k.0)
    }

    /// The pose at `t_ms`.
    pub fn pose_at(&self, t_ms: u32) -> Pose {
        let mut prev = self.keys.first().map_or(Pose::CENTRE, |k| k.1);
        let mut prev_t = 0;
        for &(t, pose) in &self.keys {
            if t_ms <= t {
                if t == prev_t {
                    return pose;
                }
                return Pose::lerp(prev, pose, (t_ms - prev_t) as f32 / (t - prev_t) as f32);
            }
            prev = pose;
            prev_t = t;
        }
        prev
    }
}

/// The kinds of sequence of the test set (ISO/IEC 30107-3: bona fide presentations and attack
/// presentations by attack type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A live face following the challenge.
    BonaFide,
    /// A photo held still in front of the camera.
    StaticPhoto,
    /// A recording of a bona fide attempt made for another challenge.
    Replay,
    /// The challenge's movements in another order.
    WrongOrder,
    /// No face at all (camera covered or pointed away).
    NoFace,
    /// Two faces following the challenge together.
    TwoFaces,
    /// A printed photo moved as asked.
    PrintedPhotoMoved,
}

impl Kind {
    /// Every kind, bona fide first.
    pub const ALL: [Kind; 7] = [
        Kind::BonaFide,
        Kind::StaticPhoto,
        Kind::Replay,
        Kind::WrongOrder,
        Kind::NoFace,
        Kind::TwoFaces,
        Kind::PrintedPhotoMoved,
    ];

    /// Name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Kind::BonaFide => "bona fide",
            Kind::StaticPhoto => "static photo held still",
            Kind::Replay => "replay of a recording for another challenge",
            Kind::WrongOrder => "movements in the wrong order",
            Kind::NoFace => "no face",
            Kind::TwoFaces => "two faces",
            Kind::PrintedPhotoMoved => "printed photo moved as asked",
        }
    }
}

/// Frame interval of the synthetic camera (a slow phone: 8 frames per second).
pub const FRAME_MS: u32 = 125;

/// A camera sequence of `kind` presented to a challenge of `actions`.
pub struct Sequence {
    script: Script,
    extra: Option<Script>,
    look: Look,
    rng: ChaCha8Rng,
    jitter: f32,
}

impl Sequence {
    /// Builds a sequence; `seed` makes it reproducible.
    pub fn new(kind: Kind, actions: &[Action], seed: u64) -> Sequence {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut look = Look::random(&mut rng);
        let start = Pose {
            cx: Pose::CENTRE.cx + (unit(&mut rng) - 0.5) * 30.0,
            cy: Pose::CENTRE.cy + (unit(&mut rng) - 0.5) * 20.0,
            width: Pose::CENTRE.width * (0.85 + unit(&mut rng) * 0.3),
        };
        let mut extra = None;
        let mut jitter = 2.0;
        let script = match kind {
            Kind::BonaFide => Script::following(actions, start, &mut rng),
            Kind::StaticPhoto => {
                jitter = 1.0;
                look.paper = true;
                Script::still(start, 12_000)
            }
            Kind::Replay => {
                // A recording made for another challenge (drawn until it differs).
                let mut other = actions.to_vec();
                while other == actions {
                    let mut r = [0u8; crate::MAX_ACTIONS + 1];
                    rng.fill_bytes(&mut r);
                    other = crate::challenge_actions(&r);
                }
                Script::following(&other, start, &mut rng)
            }
            Kind::WrongOrder => {
                let mut other = actions.to_vec();
                other.swap(0, 1);
                Script::following(&other, start, &mut rng)
            }
            Kind::NoFace => Script::still(start, 12_000),
            Kind::TwoFaces => {
                let left = Pose {
                    cx: 85.0,
                    width: 80.0,
                    ..start
                };
                let right = Pose {
                    cx: 235.0,
                    width: 80.0,
                    ..start
                };
                extra = Some(Script::following(actions, right, &mut rng));
                Script::following(actions, left, &mut rng)
            }
            Kind::PrintedPhotoMoved => {
                look.paper = true;
                Script::following(actions, start, &mut rng)
            }
        };
        let mut seq = Sequence {
            script,
            extra,
            look,
            rng,
            jitter,
        };
        if kind == Kind::NoFace {
            seq.extra = None;
            seq.script.keys.clear();
        }
        seq
    }

    /// How long the sequence lasts.
    pub fn duration_ms(&self) -> u32 {
        self.script
            .duration_ms()
            .max(self.extra.as_ref().map_or(0, Script::duration_ms))
            .max(12_000 * u32::from(self.script.keys.is_empty()))
    }

    /// The frame at `t_ms`.
    pub fn frame_at(&mut self, t_ms: u32) -> GrayFrame {
        let mut poses = Vec::new();
        for script in std::iter::once(&self.script).chain(self.extra.as_ref()) {
            if script.keys.is_empty() {
                continue;
            }
            let mut p = script.pose_at(t_ms);
            p.cx += (unit(&mut self.rng) - 0.5) * 2.0 * self.jitter;
            p.cy += (unit(&mut self.rng) - 0.5) * 2.0 * self.jitter;
            p.width *= 1.0 + (unit(&mut self.rng) - 0.5) * 0.02;
            poses.push(p);
        }
        render(&poses, self.look, &mut self.rng)
    }

    /// Every frame, at [`FRAME_MS`] intervals with a little timing jitter.
    pub fn frames(mut self) -> Vec<(u32, GrayFrame)> {
        let end = self.duration_ms();
        let mut out = Vec::new();
        let mut t = 0;
        while t <= end {
            out.push((t, self.frame_at(t)));
            t += FRAME_MS - 15 + self.rng.next_u32() % 31;
        }
        out
    }
}
