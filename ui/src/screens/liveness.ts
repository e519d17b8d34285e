// 3. Liveness capture: the front camera's frames go to Rust, which answers what to do next.
//
// The screen only shows the camera and what Rust says (prompt, picture issue, progress, failure);
// it never decides whether a movement was made. Each attempt uses a new server challenge: after a
// failure, after the app was in the background, after a language change. The camera stops as soon
// as the capture ends, and whenever the screen is left or hidden.
import * as api from '../api';
import * as commands from '../generated/commands';
import { toUiError } from '../ipc';
import type { Ctx } from '../screen';
import { FrameGrabber, cameraProblem, nextVideoFrame, openFrontCamera, stopStream, type CameraProblem } from '../camera';
import { fill, h } from '../dom';
import type { Action, FaceBox, LivenessProgress, LivenessResult, LivenessSession, Message } from '../generated/types';
import { t } from '../i18n';
import { icon, type IconName } from '../icons';
import { button, loadingLine } from '../ui';

/** At most ~10 frames a second; the next one waits for Rust's answer anyway. */
const FRAME_INTERVAL_MS = 100;
/** A camera that shows no new picture for this long is sampled anyway. */
const FRAME_WAIT_MAX_MS = 500;

/**
 * The icon of each action. The preview is mirrored, so the resident's own left (`move_left`) is
 * the screen's left: the arrow points where the face should go in the picture they see.
 */
const ACTION_ICONS: Record<Action, IconName> = {
  move_left: 'left',
  move_right: 'right',
  move_closer: 'closer',
  move_back: 'farther',
};

function phaseIcon(p: Pick<LivenessProgress, 'phase' | 'action'>): IconName {
  if (p.phase === 'act') return (p.action && ACTION_ICONS[p.action]) ?? 'face';
  if (p.phase === 'centre') return 'centre';
  return 'face';
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

export function livenessScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('liveness_title'));
  const attempt = session.liveness;
  if (!attempt) {
    // Nothing to capture for (an old history entry): start from the beginning.
    queueMicrotask(() => intents.restart('welcome'));
    return;
  }

  const video = h('video', { autoplay: true, playsinline: true, muted: true, 'aria-label': t('camera_label') });
  video.muted = true;
  const faceBox = h('div', { class: 'face-box', hidden: true, 'aria-hidden': 'true' });
  const cue = h('div', { class: 'cue', 'aria-hidden': 'true' });
  const testNote = h('p', { class: 'test-source', hidden: true }, icon('camera'), h('span', null, t('liveness_test_source')));
  const camera = h(
    'div',
    { class: 'camera', 'data-testid': 'camera' },
    video,
    h('div', { class: 'guide', 'aria-hidden': 'true' }),
    faceBox,
    cue,
    testNote,
  );
  const progressText = h('p', { class: 'progress-text', 'data-testid': 'liveness-progress' });
  const dots = h('ol', { class: 'dots', 'aria-hidden': 'true' });
  const prompt = h('p', { class: 'prompt', 'data-testid': 'liveness-prompt', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const issue = h('div', { class: 'issue', 'data-testid': 'liveness-issue', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const time = h('p', { class: 'hint time', 'data-testid': 'liveness-time' });
  const outcome = h('div', { class: 'outcome', 'data-testid': 'liveness-outcome' });
  const capture = h('div', { class: 'capture' }, progressText, dots, camera, prompt, issue, time);
  const section = h('section', { class: 'liveness', 'data-testid': 'liveness', 'data-phase': 'starting' }, capture, outcome);
  ctx.root.append(h('p', { class: 'lead' }, t('liveness_lead')), section, h('p', { class: 'hint' }, t('liveness_note')));

  /** Changes at every start and stop: a loop or an answer of an older attempt sees it changed. */
  let run = 0;
  let stream: MediaStream | null = null;
  /** Set while the capture runs (frames are being sent). */
  let capturing = false;
  /** `liveness_finish` is under way or succeeded: nothing to cancel. */
  let finishing = false;
  /** Left for the background mid-capture: a new attempt starts on return. */
  let interrupted = false;
  let shown = { prompt: '', issue: '', time: '' };

  const setPhase = (phase: string) => {
    section.dataset.phase = phase;
  };

  /** Stops the camera and the frame loop (the attempt itself is Rust's). */
  const stopCapture = () => {
    run += 1;
    capturing = false;
    stopStream(stream);
    stream = null;
    video.srcObject = null;
    camera.classList.remove('live');
  };

  /** Shows the capture parts (`true`) or only the outcome panel. */
  const showCapture = (on: boolean) => {
    capture.hidden = !on;
    if (on) outcome.replaceChildren();
  };

  function renderSteps(completed: number, total: number, current: boolean): void {
    fill(progressText, t('liveness_progress', { n: completed, total }));
    fill(
      dots,
      Array.from({ length: total }, (_, i) =>
        h('li', { class: i < completed ? 'done' : i === completed && current ? 'current' : '' }),
      ),
    );
  }

  function showPrompt(text: string, iconName: IconName, action: string | null): void {
    const key = `${iconName}|${text}`;
    if (key === shown.prompt) return;
    shown.prompt = key;
    fill(prompt, icon(iconName), h('span', null, text));
    fill(cue, icon(iconName, 'cue-icon'));
    if (action) prompt.dataset.action = action;
    else delete prompt.dataset.action;
  }

  function showIssue(m: Message | null): void {
    const key = m ? `${m.code}|${m.message}` : '';
    if (key === shown.issue) return;
    shown.issue = key;
    if (m) {
      issue.dataset.code = m.code;
      fill(issue, h('p', null, icon('alert'), h('span', null, m.message)));
    } else {
      delete issue.dataset.code;
      issue.replaceChildren();
    }
    camera.classList.toggle('has-issue', m !== null);
  }

  function showTime(text: string): void {
    if (text !== shown.time) fill(time, icon('clock'), h('span', null, text));
    shown.time = text;
  }

  /** The face Rust found, over the mirrored preview (frame pixels → share of the box). */
  function showFace(face: FaceBox | null, session: LivenessSession): void {
    if (!face || session.source === 'test') {
      faceBox.hidden = true;
      return;
    }
    const W = session.frame_width;
    const H = session.frame_height;
    faceBox.hidden = false;
    faceBox.style.left = `${((W - face.x - face.w) / W) * 100}%`;
    faceBox.style.top = `${(face.y / H) * 100}%`;
    faceBox.style.width = `${(face.w / W) * 100}%`;
    faceBox.style.height = `${(face.h / H) * 100}%`;
  }

  function render(p: LivenessProgress, session: LivenessSession): void {
    setPhase(p.phase);
    if (p.action) section.dataset.action = p.action;
    else delete section.dataset.action;
    renderSteps(p.completed, p.total, p.phase === 'act' || p.phase === 'centre');
    showPrompt(p.prompt, phaseIcon(p), p.phase === 'act' ? p.action : null);
    camera.classList.toggle('centre', p.phase === 'centre');
    showIssue(p.issue);
    showFace(p.face, session);
    const left = Math.max(0, Math.ceil(session.limit_secs - p.elapsed_ms / 1000));
    showTime(t('liveness_time_left', { n: left }));
  }

  /** A failed attempt or a refused command: the message and a new attempt. */
  function showFailure(m: Message): void {
    stopCapture();
    setPhase('failed');
    showCapture(false);
    const retry = button(t('retry'), { class: 'primary', 'data-testid': 'liveness-retry', onclick: () => void begin() }, 'refresh');
    const edit = button(
      t(attempt!.purpose === 'recover' ? 'liveness_edit_recover' : 'liveness_edit_register'),
      { class: 'secondary', 'data-testid': 'liveness-edit', onclick: () => intents.back() },
    );
    fill(
      outcome,
      h(
        'div',
        { class: 'banner warn', role: 'alert', 'data-testid': 'liveness-failure', 'data-code': m.code },
        icon('alert'),
        h('div', null, h('h2', null, t('liveness_failed_title')), h('p', null, m.message)),
        h('div', { class: 'banner-actions actions' }, retry, intents.canGoBack() ? edit : null),
      ),
    );
    retry.focus();
  }

  function showCameraProblem(p: CameraProblem): void {
    setPhase('camera-problem');
    showCapture(false);
    const retry = button(t('retry'), { class: 'secondary', 'data-testid': 'camera-retry', onclick: () => void retryCamera() }, 'refresh');
    const office = button(t('menu_service'), { class: 'secondary', 'data-testid': 'camera-office', onclick: () => intents.go('service') }, 'help');
    fill(
      outcome,
      h(
        'div',
        { class: 'banner warn', 'data-testid': 'camera-problem', 'data-problem': p },
        icon('camera'),
        h(
          'div',
          null,
          h('h2', null, t(`camera_${p}_title`)),
          h('p', null, t(`camera_${p}`)),
          p === 'denied' ? h('ul', null, h('li', null, t('camera_settings_android')), h('li', null, t('camera_settings_ios'))) : null,
          h('p', null, t('camera_needed')),
        ),
        h('div', { class: 'banner-actions actions' }, retry, office),
      ),
    );
  }

  /** A challenge: the one fetched by the form (once), else a new one. */
  async function challenge(): Promise<LivenessSession> {
    const fresh = attempt!.session;
    if (fresh) {
      attempt!.session = null;
      return fresh;
    }
    if (attempt!.purpose === 'recover') return commands.recoveryStart(session.recoveryForm.nik, session.recoveryForm.email);
    const d = session.info.draft;
    return commands.livenessStart(d.nik, d.email, d.phone);
  }

  let current: LivenessSession | null = null;

  /** Starts an attempt: a challenge, the camera (unless the test source), the frames. */
  async function begin(): Promise<void> {
    stopCapture();
    const mine = run;
    interrupted = false;
    shown = { prompt: '', issue: '', time: '' };
    setPhase('starting');
    showCapture(true);
    camera.hidden = true;
    fill(prompt, loadingLine(t('liveness_starting')));
    showIssue(null);
    fill(time);
    let s: LivenessSession;
    try {
      s = await challenge();
    } catch (err) {
      if (mine === run && ctx.alive()) showFailure(toUiError(err));
      return;
    }
    if (mine !== run || !ctx.alive()) return;
    current = s;
    camera.hidden = false;
    camera.style.aspectRatio = `${s.frame_width} / ${s.frame_height}`;
    section.dataset.source = s.source;
    testNote.hidden = s.source !== 'test';
    video.hidden = s.source === 'test';
    renderSteps(0, s.steps.length, false);
    showPrompt(t('liveness_get_ready'), 'face', null);
    showTime(t('liveness_limit', { n: s.limit_secs }));
    await startFrames(s, mine);
  }

  async function retryCamera(): Promise<void> {
    if (!current) {
      await begin();
      return;
    }
    stopCapture();
    showCapture(true);
    await startFrames(current, run);
  }

  /** Opens the camera when needed, then sends frames until Rust says done or failed. */
  async function startFrames(s: LivenessSession, mine: number): Promise<void> {
    const test = s.source === 'test';
    if (!test) {
      fill(issue, loadingLine(t('camera_starting')));
      shown.issue = 'starting';
      let opened: MediaStream;
      try {
        opened = await openFrontCamera();
      } catch (err) {
        if (mine === run && ctx.alive()) showCameraProblem(cameraProblem(err));
        return;
      }
      if (mine !== run || !ctx.alive() || document.visibilityState === 'hidden') {
        stopStream(opened);
        return;
      }
      stream = opened;
      video.srcObject = opened;
      camera.classList.add('live');
      showIssue(null);
      video.play().catch(() => undefined);
    }
    setPhase('capturing');
    capturing = true;
    await sendFrames(s, mine);
  }

  async function sendFrames(s: LivenessSession, mine: number): Promise<void> {
    const grabber = s.source === 'test' ? null : new FrameGrabber(s.frame_width, s.frame_height);
    const empty = new Uint8Array(0);
    let first: number | null = null;
    let last = -Infinity;
    while (mine === run) {
      const wait = last + FRAME_INTERVAL_MS - performance.now();
      if (wait > 0) await sleep(wait);
      if (grabber) await nextVideoFrame(video, FRAME_WAIT_MAX_MS);
      if (mine !== run) return;
      const rgba = grabber ? grabber.grab(video) : empty;
      if (!rgba) continue;
      const now = performance.now();
      first ??= now;
      last = now;
      let p: LivenessProgress;
      try {
        p = await api.sendFrame(rgba, now - first);
      } catch (err) {
        if (mine === run && ctx.alive()) showFailure(toUiError(err));
        return;
      }
      if (mine !== run || !ctx.alive()) return;
      render(p, s);
      if (p.phase === 'done') {
        // The camera goes off at once; the evidence is sent while the resident waits.
        stopCapture();
        void finish();
        return;
      }
      if (p.phase === 'failed') {
        showFailure(p.failure ?? { code: 'liveness_failed', message: p.prompt });
        return;
      }
    }
  }

  async function finish(): Promise<void> {
    finishing = true;
    setPhase('finishing');
    showCapture(false);
    fill(outcome, h('div', { class: 'finishing', 'data-testid': 'liveness-busy', 'aria-busy': 'true' }, loadingLine(t('liveness_checking'))));
    let result: LivenessResult;
    try {
      result = await commands.livenessFinish();
    } catch (err) {
      finishing = false;
      if (ctx.alive()) showFailure(toUiError(err));
      return;
    }
    // Rust has moved on (registration sent, or the code mailed): follow it even if Back was tapped.
    if (result.recovery || result.purpose === 'recover') {
      session.recovering(result.recovery);
      intents.restart('welcome', 'recover-confirm');
      return;
    }
    session.registered(result.status);
    intents.restart('status');
    intents.notify(t('liveness_finished'));
  }

  const onVisibility = () => {
    if (document.visibilityState === 'hidden') {
      if (!capturing && section.dataset.phase !== 'starting') return;
      // Never keep the camera in the background; this attempt is over.
      stopCapture();
      setPhase('interrupted');
      interrupted = true;
      commands.livenessCancel().catch(() => undefined);
    } else if (interrupted && ctx.alive()) {
      intents.notify(t('liveness_restarted'));
      void begin();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  ctx.onLeave(() => {
    stopCapture();
    document.removeEventListener('visibilitychange', onVisibility);
    if (!finishing) commands.livenessCancel().catch(() => undefined);
  });

  void begin();
}
