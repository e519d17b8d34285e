use ikd_core::liveness::synthetic::key_frames;
use ikd_core::liveness::*;
fn main() {
    let mut seen = std::collections::HashSet::new();
    let mut fails = 0;
    for a in 0..3u8 { for b in 0..4u8 { for c in 0..3u8 { for d in 0..3u8 { for e in 0..3u8 {
        let actions = challenge_actions(&[a, b, c, d, e]);
        if !seen.insert(actions.clone()) { continue; }
        for seed in 0..25u64 {
        let mut cap = Capture::new(actions.clone(), FaceDetector::default(), Rules::default());
        let mut log = vec![];
        for (t, f) in key_frames(&actions, seed * 7919 + 11) { let r = cap.push(t, &f); log.push(format!("{t}:{:?}", r.face.map(|f| (f.cx() as i32, f.w)))); }
        if cap.phase() != &Phase::Done { fails += 1; println!("{actions:?} seed {seed}: {:?} {}", cap.phase(), log.join(" ")); }
        }
    }}}}}
    println!("{} challenges, {fails} failures", seen.len());
}
