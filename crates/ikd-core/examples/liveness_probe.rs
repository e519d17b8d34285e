use ikd_core::liveness::synthetic::{Kind, Sequence};
use ikd_core::liveness::*;
fn main() {
    let actions = vec![Action::MoveLeft, Action::MoveCloser, Action::MoveBack];
    for kind in Kind::ALL {
        let seq = Sequence::new(kind, &actions, 7);
        let frames = seq.frames();
        let mut cap = Capture::new(actions.clone(), FaceDetector::default(), Rules::default());
        let t0 = std::time::Instant::now();
        let mut issues = std::collections::BTreeMap::new();
        for (t, f) in &frames {
            let r = cap.push(*t, f);
            *issues.entry(format!("{:?}", r.issue)).or_insert(0) += 1;
            if kind == Kind::BonaFide && *t < 400 { eprintln!("{:?} sharp {:.2} bright {:.0}", r.face, r.sharpness, r.brightness); }
        }
        let per = t0.elapsed().as_secs_f64() * 1000.0 / frames.len() as f64;
        println!("{:?}: {} frames, {:.1} ms/frame, phase {:?}, keys {}, issues {:?}", kind, frames.len(), per, cap.phase(), cap.key_frames().len(), issues);
        if kind == Kind::BonaFide {
            std::fs::write("/tmp/synth0.pgm", [format!("P5 320 240 255\n").into_bytes(), frames[0].1.pixels().to_vec()].concat()).unwrap();
            std::fs::write("/tmp/synth_mid.pgm", [format!("P5 320 240 255\n").into_bytes(), frames[frames.len()/3].1.pixels().to_vec()].concat()).unwrap();
        }
    }
}
