// The liveness capture and the device change in Debian's Chromium with the IPC mocked: frames
// sent as Rust expects them, progress from Rust's answers, the camera stopped, new attempts, and
// the recovery story.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NIK, PIN, RECOVERY_EMAIL, fixtures, type Scenario } from './fixtures';
import { EMAIL_HINT, FRAME_HEIGHT, FRAME_WIDTH, RECOVERY_CODE } from './fixtures-liveness';
import {
  SIZES,
  audit,
  calls,
  frames,
  open,
  release,
  screen,
  setVisibility,
  shot,
  startHarness,
  streamsEnded,
  waitForCall,
  waitText,
  type FrameSeen,
  type Harness,
  type Opened,
} from './harness';

let h: Harness;
let opened: Opened[] = [];
const fx = fixtures('id');
const lv = fx.liveness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  const done = opened;
  opened = [];
  for (const o of done) await o.context.close();
  for (const o of done) expect(o.pageErrors, 'errors in the page (thrown, or refused by the CSP)').toEqual([]);
});

async function start(scenario: Scenario): Promise<Page> {
  const o = await open(h, scenario, SIZES[0]);
  opened.push(o);
  return o.page;
}

/** No horizontal scroll, every input labelled, 44 px targets; then a screenshot. */
async function checkShot(page: Page, name: string): Promise<void> {
  const a = await audit(page);
  expect(a.overflow, `${name}: scrollWidth ${a.scrollWidth} > ${a.innerWidth}`).toBe(false);
  expect(a.unlabelled, `${name}: inputs without a label`).toEqual([]);
  expect(a.smallTargets, `${name}: targets under 44 px`).toEqual([]);
  await shot(page, SIZES[0], name);
}

const count = async (page: Page, cmd: string) => (await calls(page)).filter((c) => c.cmd === cmd).length;
const appAlert = (page: Page) => page.locator('.messages [role=alert]').innerText();
const phase = (page: Page, p: string) => page.locator(`[data-testid=liveness][data-phase="${p}"]`).waitFor();
const cameraCalls = (page: Page) => page.evaluate(() => (window as unknown as { __ikdCameraCalls: number }).__ikdCameraCalls);

async function toLiveness(page: Page): Promise<void> {
  await screen(page, 'welcome');
  await page.click('[data-testid=start]');
  await screen(page, 'register');
  await page.fill('#nik', NIK);
  await page.fill('#email', 'siti@example.id');
  await page.fill('#phone', '0812 3456 7890');
  await page.locator('[data-testid=submit-registration]:not([disabled])').waitFor();
  await page.click('[data-testid=submit-registration]');
  await screen(page, 'liveness');
}

/** Every frame is a whole RGBA frame (or empty for the test source); times go up from 0 per attempt. */
function expectFrames(seen: FrameSeen[], attempt: number, length: number): number[] {
  const mine = seen.filter((f) => f.attempt === attempt);
  expect(mine.length).toBeGreaterThan(0);
  for (const f of mine) expect(f.length).toBe(length);
  const ms = mine.map((f) => {
    expect(f.header, 'x-ikd-frame-ms header').toMatch(/^\d+$/);
    return Number(f.header);
  });
  expect(ms[0]).toBe(0);
  for (let i = 1; i < ms.length; i += 1) expect(ms[i], `frame ${i} after frame ${i - 1}`).toBeGreaterThan(ms[i - 1]);
  return ms;
}

describe('liveness capture', () => {
  it('sends camera frames and follows Rust through every step to the status tracker', async () => {
    const page = await start({ stage: 'new', scripts: [['baseline...', 'act0...', 'centre1...', 'act1...', 'done']] });
    await toLiveness(page);
    await waitForCall(page, 'liveness_start', { nik: NIK, email: 'siti@example.id', phone: '0812 3456 7890' });

    await phase(page, 'baseline');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    expect(await page.locator('[data-testid=liveness-prompt]').innerText()).toBe(lv.progress.baseline.prompt);
    expect(await page.locator('[data-testid=liveness-progress]').innerText()).toBe('0 dari 2 gerakan selesai');
    expect(await page.getAttribute('[data-testid=liveness-prompt]', 'aria-live')).toBe('polite');
    expect(await page.locator('.face-box').isVisible()).toBe(true);
    await waitText(page, '[data-testid=liveness-time]', 'Sisa waktu');
    await release(page);

    await phase(page, 'act');
    expect(await page.getAttribute('[data-testid=liveness-prompt]', 'data-action')).toBe('move_left');
    expect(await page.locator('[data-testid=liveness-prompt]').innerText()).toBe(lv.steps[0].prompt);
    // Mirrored preview: the resident's left is the screen's left.
    expect(await page.locator('[data-testid=liveness-prompt] svg path').first().getAttribute('d')).toContain('M11 5l-7 7 7 7');
    // The face Rust found (x 150 of 320, 100 wide) is drawn mirrored: from 70/320 of the width.
    const box = await page.locator('.face-box').evaluate((el) => ({ left: (el as HTMLElement).style.left, width: (el as HTMLElement).style.width }));
    expect(box).toEqual({ left: `${(70 / 320) * 100}%`, width: `${(100 / 320) * 100}%` });
    await release(page);

    await phase(page, 'centre');
    expect(await page.locator('[data-testid=liveness-progress]').innerText()).toBe('1 dari 2 gerakan selesai');
    expect(await page.locator('.camera.centre').count()).toBe(1);
    expect(await page.locator('[data-testid=liveness-prompt]').innerText()).toBe(lv.progress.centre1.prompt);
    await release(page);

    await page.locator('[data-testid=liveness][data-phase=act][data-action=move_closer]').waitFor();
    await release(page);

    await screen(page, 'status');
    await waitText(page, '[role=status]', 'Kamera sudah dimatikan');
    expect(await streamsEnded(page)).toEqual([true]);
    await waitForCall(page, 'liveness_finish');
    expect(await count(page, 'liveness_cancel')).toBe(0);
    expect(await page.locator('[data-testid=status]').getAttribute('data-state')).not.toBe('');
    expectFrames(await frames(page), 1, FRAME_WIDTH * FRAME_HEIGHT * 4);
    // Back from the tracker does not lead to the capture again.
    expect(await page.locator('[data-testid=back]').isVisible()).toBe(false);
  });

  it('shows what is wrong with the picture as live guidance', async () => {
    const page = await start({ stage: 'new', scripts: [['baseline', 'baseline:too_dark...', 'act0', 'centre1', 'act1', 'done']] });
    await toLiveness(page);
    const issue = page.locator('[data-testid=liveness-issue][data-code=too_dark]');
    await issue.waitFor();
    expect(await issue.innerText()).toBe(lv.issues.too_dark.message);
    expect(await issue.getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('.camera.has-issue').count()).toBe(1);
    await checkShot(page, 'liveness-issue');
    await release(page);
    await page.locator('[data-testid=liveness-issue]:not([data-code])').waitFor({ state: 'attached' });
    await screen(page, 'status');
  });

  it('shows a failure with Try again, which starts a new attempt', async () => {
    const page = await start({
      stage: 'new',
      scripts: [['baseline', 'act0', 'failed:liveness_wrong_action'], ['baseline', 'act0', 'centre1', 'act1', 'done']],
    });
    await toLiveness(page);
    const failure = page.locator('[data-testid=liveness-failure][data-code=liveness_wrong_action]');
    await failure.waitFor();
    expect(await failure.innerText()).toContain(lv.failures.liveness_wrong_action.message);
    expect(await streamsEnded(page)).toEqual([true]);
    expect(await page.locator('[data-testid=camera]').isVisible()).toBe(false);
    await checkShot(page, 'liveness-failed');
    const sent = (await frames(page)).length;
    expect(sent).toBe(3);

    await page.click('[data-testid=liveness-retry]');
    await screen(page, 'status');
    expect(await count(page, 'liveness_start')).toBe(2);
    const seen = await frames(page);
    expect(seen.slice(0, sent).every((f) => f.attempt === 1)).toBe(true);
    expectFrames(seen, 2, FRAME_WIDTH * FRAME_HEIGHT * 4);
    expect(await streamsEnded(page)).toEqual([true, true]);
  });

  it('offers Try again when sending the evidence fails, and the form stays as typed', async () => {
    const page = await start({ stage: 'new', finishErrors: ['liveness_evidence_incomplete'] });
    await toLiveness(page);
    const failure = page.locator('[data-testid=liveness-failure][data-code=liveness_evidence_incomplete]');
    await failure.waitFor();
    expect(await failure.innerText()).toContain(fx.msg.liveness_evidence_incomplete);
    await page.locator('[data-testid=liveness-retry]').waitFor();
    await page.click('[data-testid=liveness-edit]');
    await screen(page, 'register');
    expect(await page.inputValue('#nik')).toBe(NIK);
    expect(await page.inputValue('#phone')).toBe('0812 3456 7890');
    await page.click('[data-testid=submit-registration]');
    await screen(page, 'status');
    expect(await count(page, 'liveness_finish')).toBe(2);
  });

  it('uses no camera with the test source and sends empty frames', async () => {
    const page = await start({ stage: 'new', livenessSource: 'test', scripts: [['baseline', 'act0', 'act0', 'centre1', 'act1...', 'done']] });
    await toLiveness(page);
    await page.locator('[data-testid=liveness][data-source=test][data-phase=act]').waitFor();
    expect(await page.locator('.test-source').isVisible()).toBe(true);
    expect(await page.locator('video').isVisible()).toBe(false);
    await release(page);
    await screen(page, 'status');
    expect(await cameraCalls(page)).toBe(0);
    const ms = expectFrames(await frames(page), 1, 0);
    expect(ms.length).toBeGreaterThanOrEqual(6);
    // At most ~10 frames a second.
    for (let i = 1; i < ms.length; i += 1) expect(ms[i] - ms[i - 1]).toBeGreaterThanOrEqual(95);
  });

  it('stops the camera in the background and starts a new attempt on return', async () => {
    const page = await start({ stage: 'new', scripts: [['baseline', 'act0...', 'centre1', 'act1', 'done']] });
    await toLiveness(page);
    await phase(page, 'act');
    await setVisibility(page, 'hidden');
    expect(await streamsEnded(page)).toEqual([true]);
    expect(await page.evaluate(() => document.querySelector('video')?.srcObject ?? null)).toBeNull();
    await waitForCall(page, 'liveness_cancel');
    const sent = (await frames(page)).length;
    await setVisibility(page, 'visible');
    await waitText(page, '[role=status]', 'dimulai dari awal');
    await page.waitForFunction(() => (window as unknown as { __ikdMock: { state(): { attempts: number } } }).__ikdMock.state().attempts === 2);
    await phase(page, 'act');
    expect((await streamsEnded(page))).toEqual([true, false]);
    await release(page);
    await screen(page, 'status');
    expect(await streamsEnded(page)).toEqual([true, true]);
    const seen = await frames(page);
    expect(seen.slice(sent).every((f) => f.attempt === 2)).toBe(true);
    expectFrames(seen, 2, FRAME_WIDTH * FRAME_HEIGHT * 4);
  });

  it('stops the camera and cancels the attempt when going Back, keeping the form', async () => {
    const page = await start({ stage: 'new', scripts: [['baseline...']] });
    await toLiveness(page);
    await phase(page, 'baseline');
    await page.click('[data-testid=back]');
    await screen(page, 'register');
    expect(await streamsEnded(page)).toEqual([true]);
    await waitForCall(page, 'liveness_cancel');
    expect(await page.inputValue('#email')).toBe('siti@example.id');
  });

  it('starts a new attempt when the language changes, in that language', async () => {
    const page = await start({ stage: 'new', scripts: [['baseline...']] });
    await toLiveness(page);
    await phase(page, 'baseline');
    await page.click('[data-testid=lang-toggle]');
    await waitForCall(page, 'set_lang', { lang: 'en' });
    await waitText(page, '[data-testid=liveness-prompt]', fixtures('en').liveness.progress.baseline.prompt);
    await waitText(page, '[data-testid=liveness-progress]', '0 of 2 movements done');
    expect(await count(page, 'liveness_start')).toBe(2);
    expect(await count(page, 'liveness_cancel')).toBe(1);
    expect(await streamsEnded(page)).toEqual([true, false]);
  });

  it('explains a refused camera: Settings, the selfie is needed, the office', async () => {
    const page = await start({ stage: 'new', camera: 'denied' });
    await toLiveness(page);
    const problem = page.locator('[data-testid=camera-problem][data-problem=denied]');
    await problem.waitFor();
    const text = await problem.innerText();
    expect(text).toContain('Pengaturan');
    expect(text).toContain('memerlukan swafoto');
    expect(await page.locator('video').isVisible()).toBe(false);
    await page.click('[data-testid=camera-retry]');
    await page.waitForFunction(() => (window as unknown as { __ikdCameraCalls: number }).__ikdCameraCalls >= 2);
    await problem.waitFor();
    await checkShot(page, 'liveness-camera-denied');
    expect(await count(page, 'liveness_frame')).toBe(0);
    await page.click('[data-testid=camera-office]');
    await screen(page, 'service');
    await waitText(page, '[data-testid=office-name]', fx.office.name);
    await page.click('[data-testid=back]');
    await screen(page, 'liveness');
    await problem.waitFor();
    // Coming back is a new attempt (the one left was cancelled).
    expect(await count(page, 'liveness_cancel')).toBe(1);
    expect(await count(page, 'liveness_start')).toBe(2);
  });

  it('explains a missing camera', async () => {
    const page = await start({ stage: 'new', camera: 'absent' });
    await toLiveness(page);
    await page.locator('[data-testid=camera-problem][data-problem=absent]').waitFor();
    await page.locator('[data-testid=camera-office]').waitFor();
  });
});

describe('device change or forgotten PIN', () => {
  it('moves the account here from Welcome: NIK + email, selfie, code + new PIN, Home', async () => {
    const page = await start({ stage: 'new' });
    await screen(page, 'welcome');
    await page.click('[data-testid=to-recover]');
    await screen(page, 'recover');
    expect(await page.locator('main').innerText()).toContain('ponsel lama tetap berfungsi dan dapat membatalkannya');
    await page.fill('#recover-nik', '12345');
    await waitText(page, '#recover-nik-error', fx.msg.nik_wrong_length.replace('{n}', '5'));
    expect(await page.locator('[data-testid=recover-start]').isDisabled()).toBe(true);
    await page.fill('#recover-nik', NIK);
    await page.fill('#recover-email', 'other@example.id');
    await page.locator('[data-testid=recover-start]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-start]');
    await waitText(page, '.messages [role=alert]', fx.msg.recovery_unknown);
    // Back and forth keeps what was typed.
    await page.click('[data-testid=back]');
    await screen(page, 'welcome');
    await page.click('[data-testid=to-recover]');
    expect(await page.inputValue('#recover-nik')).toBe(NIK);
    expect(await page.inputValue('#recover-email')).toBe('other@example.id');
    await page.fill('#recover-email', RECOVERY_EMAIL);
    await page.locator('[data-testid=recover-start]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-start]');
    await waitForCall(page, 'recovery_start', { nik: NIK, email: RECOVERY_EMAIL });
    await screen(page, 'liveness');
    await screen(page, 'recover-confirm');
    expect(await streamsEnded(page)).toEqual([true]);
    const sent = await page.locator('[data-testid=recovery-sent]').innerText();
    expect(sent).toContain(EMAIL_HINT);
    expect(sent).toContain('15 menit');
    await checkShot(page, 'recover-confirm-sent');
    await page.fill('#recovery-code', 'WRONG123');
    await page.locator('[data-testid=recover-confirm]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-confirm]');
    await waitText(page, '.messages [role=alert]', fx.msg.recovery_code_wrong);
    // No PIN is asked with the code: only once the server's wait is over.
    expect(await page.locator('#recovery-pin').count()).toBe(0);
    await page.fill('#recovery-code', RECOVERY_CODE.toLowerCase());
    await page.click('[data-testid=recover-confirm]');
    await waitForCall(page, 'recovery_confirm', { code: RECOVERY_CODE.toLowerCase() });
    await page.locator('[data-testid=recover-ready]').waitFor();
    await page.fill('#recovery-pin', '111111');
    await waitText(page, '#recovery-pin-error', fx.msg.pin_same_digits);
    await page.fill('#recovery-pin', '592817');
    await page.fill('#recovery-pin-confirm', '592817');
    await page.locator('[data-testid=recover-complete]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-complete]');
    await screen(page, 'home');
    await waitText(page, '[role=status]', 'sudah pindah ke ponsel ini');
    await waitForCall(page, 'recovery_complete', { pin: '592817' });
    await page.click('[data-testid=menu-biodata]');
    await page.locator('dl.biodata').waitFor();
  });

  it('resets a forgotten PIN from the PIN screen; Back returns to it', async () => {
    const page = await start({ stage: 'activated', scripts: [['baseline...', 'act0', 'centre1', 'act1', 'done']] });
    await screen(page, 'unlock');
    await page.click('[data-testid=to-recover]');
    await screen(page, 'recover');
    await page.click('[data-testid=back]');
    await screen(page, 'unlock');
    await page.click('[data-testid=to-recover]');
    await page.fill('#recover-nik', NIK);
    await page.fill('#recover-email', RECOVERY_EMAIL);
    await page.locator('[data-testid=recover-start]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-start]');
    await phase(page, 'baseline');
    expect(await page.locator('[data-testid=liveness-edit]').count()).toBe(0);
    await release(page);
    await screen(page, 'recover-confirm');
    await page.fill('#recovery-code', RECOVERY_CODE);
    await page.locator('[data-testid=recover-confirm]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-confirm]');
    // The mock's wait is over at once: the new PIN completes the change.
    await page.locator('[data-testid=recover-ready]').waitFor();
    await page.fill('#recovery-pin', '592817');
    await page.fill('#recovery-pin-confirm', '592817');
    await page.locator('[data-testid=recover-complete]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-complete]');
    await screen(page, 'home');
    // The new PIN is the one asked from now on.
    await setVisibility(page, 'hidden');
    await screen(page, 'unlock');
    await setVisibility(page, 'visible');
    await page.fill('#unlock-pin', PIN);
    await page.click('[data-testid=unlock]');
    await waitText(page, '.messages [role=alert]', fx.msg.pin_wrong);
    await page.fill('#unlock-pin', '592817');
    await page.click('[data-testid=unlock]');
    await screen(page, 'home');
  });

  it('opens on the code screen, saying where the code went, when restarted while it is awaited', async () => {
    const page = await start({ stage: 'recovering' });
    await screen(page, 'recover-confirm');
    expect(await page.locator('[data-testid=recovery-sent]').innerText()).toBe('Kode dikirim ke wa***@example.id dan berlaku 30 menit.');
    await page.click('[data-testid=recover-restart]');
    await screen(page, 'recover');
    await page.click('[data-testid=back]');
    await screen(page, 'recover-confirm');
    await page.fill('#recovery-code', RECOVERY_CODE);
    await page.locator('[data-testid=recover-confirm]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-confirm]');
    // The mock's wait is over at once: the new PIN completes the change.
    await page.locator('[data-testid=recover-ready]').waitFor();
    await page.fill('#recovery-pin', '592817');
    await page.fill('#recovery-pin-confirm', '592817');
    await page.locator('[data-testid=recover-complete]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-complete]');
    await screen(page, 'home');
    expect(await appAlert(page)).toBe('');
  });
});
