// The liveness and device-change answers of the Rust side, in both languages, typed by the
// generated types. The mock (mock-ipc.js) plays a script of progress answers, one per frame.
import type {
  FaceBox,
  LivenessProgress,
  LivenessSession,
  LivenessStep,
  Message,
  RecoveryView,
} from '../src/generated/types';

type Lang = 'id' | 'en';
const pick = (lang: Lang, id: string, en: string) => (lang === 'id' ? id : en);

/** The challenge of every attempt in the mock. */
export const ACTIONS = ['move_left', 'move_closer'] as const;
export const FRAME_WIDTH = 320;
export const FRAME_HEIGHT = 240;
export const LIMIT_SECS = 60;
export const RECOVERY_CODE = 'R4ND0MXY';
export const EMAIL_HINT = 'si***@example.id';

/**
 * One frame's answer, as a script entry: `key[:issue][...|@ms]`.
 * - `key`: `baseline`, `act0`, `centre1`, `act1`, `done`, or `failed:<failure code>`.
 * - `:issue`: a picture issue shown with it (`baseline:too_dark`).
 * - `...`: this answer repeats until the test calls `__ikdMock.release()`.
 * - `@ms`: this answer repeats until a frame's header says `ms` or more.
 * The last entry of a script repeats.
 */
export type ScriptEntry = string;

/** Baseline → action 1 → back to the middle → action 2 → done. */
export const SCRIPT_PASS: ScriptEntry[] = ['baseline', 'baseline', 'act0', 'act0', 'centre1', 'act1', 'act1', 'done'];

export function livenessFixtures(lang: Lang) {
  const steps: LivenessStep[] = [
    { action: 'move_left', prompt: pick(lang, 'Geser wajah perlahan ke kiri Anda', 'Slowly move your face to your left') },
    { action: 'move_closer', prompt: pick(lang, 'Dekatkan wajah ke ponsel', 'Bring your face closer to the phone') },
  ];
  // Plain data (the fixtures reach the page as JSON): the mock sets purpose and source.
  const session: LivenessSession = {
    purpose: 'register',
    challenge_id: 'ch_7f3a9c21e4b05d68',
    steps,
    frame_width: FRAME_WIDTH,
    frame_height: FRAME_HEIGHT,
    source: 'camera',
    limit_secs: LIMIT_SECS,
  };
  const face = (x: number, w: number): FaceBox => ({ x, y: 120 - Math.round(w * 0.6), w, h: Math.round(w * 1.2) });
  const base = { completed: 0, total: steps.length, action: null, issue: null, failure: null, elapsed_ms: 0 };
  const hold = pick(lang, 'Tahan wajah di tengah bingkai', 'Hold your face in the middle of the frame');
  const centre = pick(lang, 'Kembali ke tengah', 'Come back to the middle');
  const failures: Record<string, Message> = {
    liveness_wrong_action: {
      code: 'liveness_wrong_action',
      message: pick(
        lang,
        'Gerakan tidak sesuai urutan yang diminta. Ulangi dan ikuti petunjuk satu per satu.',
        'The movement did not follow the order asked. Try again and follow each prompt in turn.',
      ),
    },
    liveness_step_timed_out: {
      code: 'liveness_step_timed_out',
      message: pick(
        lang,
        'Gerakan tidak terlihat cukup lama. Ulangi di tempat yang terang dan bergerak lebih jelas.',
        'The movement was not seen in time. Try again somewhere bright and move more clearly.',
      ),
    },
  };
  const progress: Record<string, LivenessProgress> = {
    baseline: { ...base, phase: 'baseline', prompt: hold, face: face(110, 100) },
    act0: { ...base, phase: 'act', action: 'move_left', prompt: steps[0].prompt, face: face(150, 100) },
    centre1: { ...base, phase: 'centre', completed: 1, prompt: centre, face: face(140, 100) },
    act1: { ...base, phase: 'act', completed: 1, action: 'move_closer', prompt: steps[1].prompt, face: face(95, 130) },
    done: { ...base, phase: 'done', completed: 2, prompt: pick(lang, 'Selesai', 'Done'), face: face(95, 130) },
  };
  for (const [code, failure] of Object.entries(failures)) {
    progress[`failed:${code}`] = { ...base, phase: 'failed', prompt: failure.message, failure, face: null };
  }
  const issues: Record<string, Message> = {
    too_dark: {
      code: 'too_dark',
      message: pick(lang, 'Terlalu gelap. Pindah ke tempat yang lebih terang atau hadap ke cahaya.', 'Too dark. Move somewhere brighter or face the light.'),
    },
    no_face: {
      code: 'no_face',
      message: pick(lang, 'Wajah tidak terlihat. Arahkan kamera depan ke wajah Anda.', 'No face is seen. Point the front camera at your face.'),
    },
  };
  const recovery: RecoveryView = { email_hint: EMAIL_HINT, expires_in_minutes: 15, waiting: null };
  const msg: Record<string, string> = {
    recovery_unknown: pick(
      lang,
      'Tidak ada akun aktif dengan NIK dan email ini. Periksa lagi, atau daftar sebagai pengguna baru.',
      'No active account has this NIK and email. Check them, or register as a new user.',
    ),
    recovery_code_wrong: pick(lang, 'Kode salah atau kedaluwarsa.', 'The code is wrong or expired.'),
    liveness_no_attempt: pick(lang, 'Tidak ada swafoto yang sedang berjalan. Mulai lagi.', 'No selfie is under way. Start again.'),
    liveness_evidence_incomplete: pick(
      lang,
      'Foto swafoto tidak menunjukkan semua gerakan yang diminta. Ulangi swafoto.',
      'The selfie photos do not show every movement asked. Take the selfie again.',
    ),
  };
  return { steps, session, progress, issues, failures, recovery, msg };
}
