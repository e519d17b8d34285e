// The screens in Debian's Chromium with the IPC mocked: every screen at two phone sizes (no
// horizontal scroll, labelled inputs, 44 px targets, a screenshot each) and the behaviours.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ACTIVATION_CODE, NIK, NIK_YOUNG, PIN, RECOVERY_EMAIL, REGISTRATION_QR, REGISTRATION_QR_NEXT, fixtures } from './fixtures';
import { RECOVERY_CODE } from './fixtures-liveness';
import {
  SIZES,
  audit,
  calls,
  open,
  release,
  screen,
  setVisibility,
  shot,
  startHarness,
  waitForCall,
  waitText,
  type Harness,
  type Opened,
  type Size,
} from './harness';

let h: Harness;
let opened: Opened[] = [];
const fx = fixtures('id');

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

async function start(...args: Parameters<typeof open> extends [unknown, ...infer R] ? R : never): Promise<Page> {
  const o = await open(h, ...args);
  opened.push(o);
  return o.page;
}

/** Screen checks: no horizontal overflow, labelled inputs, 44 px targets; a screenshot. */
async function check(page: Page, size: Size, name: string): Promise<void> {
  await screen(page, name);
  const a = await audit(page);
  expect(a.overflow, `${name}: scrollWidth ${a.scrollWidth} > ${a.innerWidth}`).toBe(false);
  expect(a.unlabelled, `${name}: inputs without a label`).toEqual([]);
  expect(a.smallTargets, `${name}: targets under 44 px`).toEqual([]);
  await shot(page, size, name);
}

async function fillForm(page: Page, nik = NIK, email = 'siti@example.id', phone = '0812 3456 7890'): Promise<void> {
  await page.fill('#nik', nik);
  await page.fill('#email', email);
  await page.fill('#phone', phone);
}

async function back(page: Page): Promise<void> {
  await page.click('[data-testid=back]');
}

describe.each(SIZES)('every screen at $width×$height', (size) => {
  it('walks from Welcome to every menu screen', async () => {
    const page = await start({ stage: 'new', scripts: [['baseline', 'act0...', 'centre1', 'act1', 'done']] }, size);
    await check(page, size, 'welcome');
    await page.click('[data-testid=start]');
    await fillForm(page);
    await waitText(page, '[data-testid=nik-region]', 'CIBINONG');
    await page.locator('[data-testid=submit-registration]:not([disabled])').waitFor();
    await check(page, size, 'register');
    await page.click('[data-testid=submit-registration]');
    await screen(page, 'liveness');
    // Held on the first action until the screenshot is taken.
    await page.locator('[data-testid=liveness][data-phase=act][data-action=move_left]').waitFor();
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await check(page, size, 'liveness');
    await release(page);
    await screen(page, 'status');
    await page.locator('[data-testid=status][data-state=awaiting_operator_scan]').waitFor();
    await check(page, size, 'status');
    await page.click('[data-testid=to-activation]', { timeout: 15_000 });
    await screen(page, 'activate');
    await page.fill('#activation-code', ACTIVATION_CODE);
    await page.fill('#pin', PIN);
    await page.fill('#pin-confirm', PIN);
    await page.locator('[data-testid=activate]:not([disabled])').waitFor();
    await check(page, size, 'activate');
    await page.click('[data-testid=activate]');
    await check(page, size, 'home');
    const menu: [string, string, string][] = [
      ['menu-ktp', 'ktp', '[data-testid=qr] svg'],
      ['menu-biodata', 'biodata', 'dl.biodata'],
      ['menu-family', 'family', '.card-item'],
      ['menu-activity', 'activity', '.timeline li'],
      ['menu-change-pin', 'change-pin', '.rules li'],
      ['menu-release', 'release', '#release-pin'],
      ['menu-service', 'service', '.channels li'],
    ];
    for (const [testid, name, ready] of menu) {
      await page.click(`[data-testid=${testid}]`);
      await screen(page, name);
      await page.locator(ready).first().waitFor();
      await check(page, size, name);
      await back(page);
      await screen(page, 'home');
    }
  });

  it('asks for the PIN when an activated app opens', async () => {
    const page = await start({ stage: 'activated' }, size);
    await check(page, size, 'unlock');
    // The way to move the account here, or to reset a forgotten PIN.
    await page.click('[data-testid=to-recover]');
    await page.fill('#recover-nik', NIK);
    await page.fill('#recover-email', RECOVERY_EMAIL);
    await page.locator('[data-testid=recover-start]:not([disabled])').waitFor();
    await check(page, size, 'recover');
    await page.click('[data-testid=recover-start]');
    await screen(page, 'liveness');
    await screen(page, 'recover-confirm');
    await page.fill('#recovery-code', RECOVERY_CODE);
    await page.locator('[data-testid=recover-confirm]:not([disabled])').waitFor();
    await check(page, size, 'recover-confirm');
    await page.click('[data-testid=recover-confirm]');
    // The wait is over at once here (the mock's poll says `ready`): the new PIN completes it.
    await page.locator('[data-testid=recover-ready]').waitFor();
    await page.fill('#recovery-pin', '592817');
    await page.fill('#recovery-pin-confirm', '592817');
    await page.locator('[data-testid=recover-complete]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-complete]');
    await screen(page, 'home');
  });

  it('asks for the PIN, and unlocks with it', async () => {
    const page = await start({ stage: 'activated' }, size);
    await screen(page, 'unlock');
    await page.fill('#unlock-pin', PIN);
    await page.click('[data-testid=unlock]');
    await screen(page, 'home');
  });

  it('stays within the width at 200% text size', async () => {
    const page = await start({ stage: 'activated', offline: true }, size);
    // Like the system text size at 200% (through the CSSOM: the app's CSP refuses inline styles).
    await page.evaluate(() => document.documentElement.style.setProperty('font-size', '200%', 'important'));
    await screen(page, 'unlock');
    expect((await audit(page)).overflow).toBe(false);
    await page.fill('#unlock-pin', PIN);
    await page.click('[data-testid=unlock]');
    await screen(page, 'home');
    expect((await audit(page)).overflow).toBe(false);
    await shot(page, size, 'home-text-200');
    await page.click('[data-testid=menu-ktp]');
    await page.locator('[data-testid=qr] svg').waitFor();
    expect((await audit(page)).overflow).toBe(false);
    await shot(page, size, 'ktp-text-200');
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviours (at 360×640)

const alertText = (page: Page) => page.locator('[role=alert]').innerText();
const count = async (page: Page, cmd: string) => (await calls(page)).filter((c) => c.cmd === cmd).length;

async function toRegister(page: Page): Promise<void> {
  await screen(page, 'welcome');
  await page.click('[data-testid=start]');
  await screen(page, 'register');
}

async function unlockWith(page: Page, pin = PIN): Promise<void> {
  await screen(page, 'unlock');
  await page.fill('#unlock-pin', pin);
  await page.click('[data-testid=unlock]');
}

describe('registration form', () => {
  it('shows what the NIK says and the errors check_registration returns', async () => {
    const page = await start({ stage: 'new' });
    await toRegister(page);
    const submit = page.locator('[data-testid=submit-registration]');
    await page.fill('#nik', '12345');
    await waitText(page, '#nik-error', fx.msg.nik_wrong_length.replace('{n}', '5'));
    expect(await page.getAttribute('#nik', 'aria-invalid')).toBe('true');
    await page.fill('#email', 'siti@');
    await waitText(page, '#email-error', fx.msg.email_invalid);
    expect(await submit.isDisabled()).toBe(true);

    await page.fill('#nik', NIK);
    await waitText(page, '[data-testid=nik-region]', 'CIBINONG, KAB. BOGOR, JAWA BARAT');
    expect(await page.locator('#nik-error').innerText()).toBe('');
    const info = await page.locator('.nik-info').innerText();
    expect(info).toContain('5 Juni 1990');
    expect(info).toContain('Perempuan');
    expect(info).toContain('34 tahun');

    await page.fill('#nik', NIK_YOUNG);
    await page.locator('.warnings li[data-code=under_17]').waitFor();
    await page.fill('#email', 'siti@example.id');
    await page.fill('#phone', '0812 3456 7890');
    await page.locator('[data-testid=submit-registration]:not([disabled])').waitFor();
    await waitForCall(page, 'check_registration', { nik: NIK_YOUNG, email: 'siti@example.id', phone: '0812 3456 7890' });
  });

  it('keeps the draft going back to Welcome and forward again, and after a restart', async () => {
    const page = await start({ stage: 'new' });
    await toRegister(page);
    await fillForm(page, '3201', 'siti@', '0812');
    await waitForCall(page, 'save_draft', { draft: { nik: '3201', email: 'siti@', phone: '0812' } });
    const expectFilled = async () => {
      await screen(page, 'register');
      expect(await page.inputValue('#nik')).toBe('3201');
      expect(await page.inputValue('#email')).toBe('siti@');
      expect(await page.inputValue('#phone')).toBe('0812');
    };
    await back(page);
    await screen(page, 'welcome');
    await page.goForward();
    await expectFilled();
    await page.goBack();
    await screen(page, 'welcome');
    await page.click('[data-testid=start]');
    await expectFilled();
    // The last keystroke before leaving is saved too.
    await page.fill('#nik', '32010');
    await back(page);
    await waitForCall(page, 'save_draft', { draft: { nik: '32010', email: 'siti@', phone: '0812' } });
    await page.reload();
    await screen(page, 'welcome');
    await page.click('[data-testid=start]');
    await screen(page, 'register');
    expect(await page.inputValue('#nik')).toBe('32010');
  });

  it('shows a liveness_start() error, keeps the input, and a spinner while busy', async () => {
    const page = await start({ stage: 'new', startError: 'nik_not_found', latency: 150 });
    await toRegister(page);
    await fillForm(page);
    const submit = page.locator('[data-testid=submit-registration]');
    await page.locator('[data-testid=submit-registration]:not([disabled])').waitFor();
    await submit.click();
    await page.locator('[data-testid=submit-registration][aria-busy=true]:disabled .spinner').waitFor();
    await waitText(page, '[role=alert]', fx.msg.nik_not_found);
    await screen(page, 'register');
    expect(await page.inputValue('#nik')).toBe(NIK);
    expect(await submit.isDisabled()).toBe(false);
  });
});

describe('language', () => {
  it('switches the labels and the Rust messages to English and back', async () => {
    const page = await start({ stage: 'new' });
    await screen(page, 'welcome');
    expect(await page.locator('[data-testid=start]').innerText()).toBe('Mulai');
    await page.click('[data-testid=lang-toggle]');
    await waitText(page, '[data-testid=start]', 'Start');
    await waitForCall(page, 'set_lang', { lang: 'en' });
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Digital KTP (IKD)');
    await page.click('[data-testid=start]');
    await page.fill('#nik', '12345');
    await waitText(page, '#nik-error', 'A NIK has 16 digits; 5 were typed.');
    await page.click('[data-testid=lang-toggle]');
    await waitText(page, '#nik-error', 'NIK harus 16 angka; yang diketik 5 angka.');
    expect(await page.inputValue('#nik')).toBe('12345');
    expect(await page.locator('label[for=nik]').innerText()).toContain('Nomor Induk Kependudukan');
  });
});

describe('status tracker', () => {
  it('polls every 3 s: QR while awaiting the operator, then approved; stops when settled', async () => {
    const page = await start({ stage: 'registered', regState: 'submitted' }, SIZES[0], { clock: true });
    await screen(page, 'status');
    await page.locator('[data-testid=status][data-state=awaiting_operator_scan]').waitFor();
    await page.locator('[data-testid=registration-qr] svg').waitFor();
    expect(await page.locator('[data-testid=registration-qr-text]').innerText()).toBe(REGISTRATION_QR);
    expect(await page.locator('[data-testid=registration-qr-text]').isVisible()).toBe(true);
    const steps = await page.locator('.step').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.stepState));
    expect(steps).toEqual(['done', 'done', 'current', 'todo', 'todo']);
    expect(await page.locator('.step.current .step-state').innerText()).toBe('Sedang berjalan');
    await page.clock.runFor(3000);
    await page.locator('[data-testid=status][data-state=approved]').waitFor();
    await page.locator('[data-testid=to-activation]').waitFor();
    expect(await page.locator('[data-testid=registration-qr]').count()).toBe(0);
    const polls = await count(page, 'registration_status');
    const qrs = await count(page, 'registration_qr');
    await page.clock.runFor(30_000);
    expect(await count(page, 'registration_status')).toBe(polls);
    expect(await count(page, 'registration_qr')).toBe(qrs);
    await page.click('[data-testid=to-activation]');
    await screen(page, 'activate');
    await back(page);
    await screen(page, 'status');
  });

  it('remakes the registration QR on the phone when its 30-second window turns, showing the seconds left', async () => {
    const page = await start({ stage: 'registered', registration: 'wait' }, SIZES[0], { clock: true });
    await screen(page, 'status');
    const text = page.locator('[data-testid=registration-qr-text]');
    const countdown = page.locator('[data-testid=registration-qr-countdown]');
    await page.locator('[data-testid=registration-qr] svg').waitFor();
    expect(await text.innerText()).toBe(REGISTRATION_QR);
    expect(await page.getAttribute('[data-testid=registration-qr]', 'data-text')).toBe(REGISTRATION_QR);
    expect(await countdown.getAttribute('data-seconds-left')).toBe('5');
    expect(await countdown.innerText()).toContain('0:05');
    await page.clock.runFor(2000);
    expect(await countdown.getAttribute('data-seconds-left')).toBe('3');
    expect(await count(page, 'registration_qr')).toBe(1);
    await page.clock.runFor(3000);
    await waitText(page, '[data-testid=registration-qr-text]', REGISTRATION_QR_NEXT);
    expect(await page.getAttribute('[data-testid=registration-qr]', 'data-text')).toBe(REGISTRATION_QR_NEXT);
    expect(await countdown.getAttribute('data-seconds-left')).toBe('30');
    expect(await count(page, 'registration_qr')).toBe(2);
    expect(await page.locator('[data-testid=status]').getAttribute('data-state')).toBe('awaiting_operator_scan');
  });

  it('shows a polling error and backs off (6 s, 12 s) until it works again', async () => {
    const page = await start({ stage: 'registered', statusFailures: 2 }, SIZES[0], { clock: true });
    await screen(page, 'status');
    await waitText(page, '[role=alert]', fx.msg.offline);
    await waitText(page, '[data-testid=poll-retry]', '6 detik');
    await page.clock.runFor(6000);
    await waitText(page, '[data-testid=poll-retry]', '12 detik');
    expect(await count(page, 'registration_status')).toBe(2);
    await page.clock.runFor(12_000);
    await page.locator('[data-testid=status][data-state=awaiting_operator_scan]').waitFor();
    expect(await alertText(page)).toBe('');
  });

  it('shows the rejection reason and registers again with the draft', async () => {
    const draft = { nik: NIK, email: 'siti@example.id', phone: '081234567890' };
    const page = await start({ stage: 'registered', registration: 'reject', draft });
    await page.locator('[data-testid=status][data-state=rejected]').waitFor();
    expect(await page.locator('[data-testid=rejection]').innerText()).toContain(fx.statuses.rejected.reason!.message);
    expect(await page.locator('.step.failed .step-state').innerText()).toBe('Gagal');
    await shot(page, SIZES[0], 'status-rejected');
    await page.click('[data-testid=start-over]');
    await screen(page, 'register');
    expect(await page.inputValue('#nik')).toBe(NIK);
    expect(await page.inputValue('#phone')).toBe('081234567890');
    await back(page);
    await screen(page, 'welcome');
  });

  it('shows an expired registration and registers again with the draft', async () => {
    const draft = { nik: NIK, email: 'siti@example.id', phone: '081234567890' };
    const page = await start({ stage: 'registered', registration: 'expire', draft });
    await page.locator('[data-testid=status][data-state=expired]').waitFor();
    expect(await page.locator('.next').innerText()).toContain(fx.statuses.expired.next);
    expect(await page.locator('.step.failed').getAttribute('data-key')).toBe('operator_scan');
    expect(await page.locator('[data-testid=registration-qr]').count()).toBe(0);
    await shot(page, SIZES[0], 'status-expired');
    await page.click('[data-testid=start-over]');
    await screen(page, 'register');
    expect(await page.inputValue('#nik')).toBe(NIK);
  });
});

describe('activation', () => {
  it('lists the PIN rules, shows check_pin errors and a wrong code', async () => {
    const page = await start({ stage: 'registered', regState: 'awaiting_operator_scan' });
    await page.click('[data-testid=to-activation]');
    await screen(page, 'activate');
    expect(await page.locator('.rules li').count()).toBe(4);
    await page.fill('#pin', '111111');
    await waitText(page, '#pin-error', fx.msg.pin_same_digits);
    await page.fill('#pin', PIN);
    await page.fill('#pin-confirm', '280418');
    await waitText(page, '#pin-confirm-error', fx.msg.pin_confirmation_mismatch);
    await page.fill('#pin-confirm', PIN);
    await page.fill('#activation-code', 'WRONG123');
    await page.locator('[data-testid=activate]:not([disabled])').waitFor();
    await page.click('[data-testid=activate]');
    await waitText(page, '[role=alert]', fx.msg.activation_code_wrong);
    expect(await page.inputValue('#activation-code')).toBe('WRONG123');
    await page.fill('#activation-code', ACTIVATION_CODE);
    await page.click('[data-testid=activate]');
    await screen(page, 'home');
  });
});

describe('mail links (activation and device change)', () => {
  const shown = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

  it('a link the app was opened with fills the activation code; the PIN is still chosen', async () => {
    const page = await start({ stage: 'registered', regState: 'approved', link: { screen: 'activate', code: shown(ACTIVATION_CODE) } });
    await screen(page, 'activate');
    expect(await page.inputValue('#activation-code')).toBe(shown(ACTIVATION_CODE));
    await waitText(page, '[role=status]', 'Kode dari email sudah diisi');
    expect(await page.locator('[data-testid=activate]').isDisabled()).toBe(true);
    expect(await count(page, 'activate')).toBe(0);
    // Back goes to the registration's status: the link never abandons it.
    await back(page);
    await screen(page, 'status');
    await page.click('[data-testid=to-activation]');
    await screen(page, 'activate');
    await page.fill('#activation-code', shown(ACTIVATION_CODE));
    await page.fill('#pin', PIN);
    await page.fill('#pin-confirm', PIN);
    await page.locator('[data-testid=activate]:not([disabled])').waitFor();
    await page.click('[data-testid=activate]');
    await screen(page, 'home');
  });

  it('a link arriving while the app runs opens the device-change confirmation with its code', async () => {
    const page = await start({ stage: 'recovering' });
    await screen(page, 'recover-confirm');
    expect(await page.inputValue('#recovery-code')).toBe('');
    await page.evaluate((code) => (window as unknown as { __ikdMock: { openLink(l: unknown): void } }).__ikdMock.openLink({ screen: 'recover', code }), shown(RECOVERY_CODE));
    await page.waitForFunction(() => (document.querySelector('#recovery-code') as HTMLInputElement | null)?.value !== '');
    expect(await page.inputValue('#recovery-code')).toBe(shown(RECOVERY_CODE));
    expect(await count(page, 'take_link')).toBe(2);
    await page.locator('[data-testid=recover-confirm]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-confirm]');
    await page.locator('[data-testid=recover-ready]').waitFor();
    await page.fill('#recovery-pin', PIN);
    await page.fill('#recovery-pin-confirm', PIN);
    await page.locator('[data-testid=recover-complete]:not([disabled])').waitFor();
    await page.click('[data-testid=recover-complete]');
    await screen(page, 'home');
  });

  it('a confirmed device change shows its wait, who can cancel it, and asks for no PIN yet', async () => {
    const page = await start({ stage: 'recovering', waitState: 'waiting' });
    await screen(page, 'recover-confirm');
    await page.fill('#recovery-code', RECOVERY_CODE);
    await page.click('[data-testid=recover-confirm]');
    await waitText(page, '[data-testid=recover-wait-until]', '2026-12-05 08:00');
    expect(await page.locator('#recovery-pin').count()).toBe(0);
    expect(await count(page, 'recovery_complete')).toBe(0);
  });

  it('a cancelled device change says so and offers to start again', async () => {
    const page = await start({ stage: 'recovering', waitState: 'cancelled' });
    await screen(page, 'recover-confirm');
    await page.fill('#recovery-code', RECOVERY_CODE);
    await page.click('[data-testid=recover-confirm]');
    await page.locator('[data-testid=recover-cancelled]').waitFor();
    expect(await page.locator('#recovery-pin').count()).toBe(0);
    await page.locator('[data-testid=recover-restart]').waitFor();
  });

  it('the old phone shows a waiting device change on the home screen and cancels it with one tap', async () => {
    const page = await start({ stage: 'activated', deviceChange: true });
    await screen(page, 'unlock');
    await page.fill('#unlock-pin', PIN);
    await page.click('[data-testid=unlock]');
    await screen(page, 'home');
    await waitText(page, '[data-testid=device-change-notice]', '2026-12-05 08:00');
    await page.click('[data-testid=device-change-cancel]');
    await page.locator('[data-testid=device-change-notice]').waitFor({ state: 'detached' });
    expect(await count(page, 'device_change_cancel')).toBe(1);
  });

  it('a link for another phone is explained and leaves the screen as it was', async () => {
    const page = await start({ stage: 'registered', regState: 'awaiting_operator_scan', link: { error: 'link_other_phone' } });
    await screen(page, 'status');
    await waitText(page, '[role=alert]', fx.msg.link_other_phone);
    expect(await count(page, 'activate')).toBe(0);
  });
});

describe('PIN unlock', () => {
  it('shows the wrong-PIN message, then the lockout countdown, then allows again', async () => {
    const page = await start({ stage: 'activated', lockAfter: 3, retryAfter: 5 }, SIZES[0], { clock: true });
    await unlockWith(page, '111222');
    await waitText(page, '[role=alert]', fx.msg.pin_wrong);
    expect(await page.inputValue('#unlock-pin')).toBe('111222');
    await unlockWith(page, '111333');
    await unlockWith(page, '111444');
    await waitText(page, '[role=alert]', fx.msg.pin_locked);
    await waitText(page, '[data-testid=pin-countdown]', 'Coba lagi dalam 0:05');
    expect(await page.locator('#unlock-pin').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=unlock]').isDisabled()).toBe(true);
    await shot(page, SIZES[0], 'unlock-locked');
    await page.clock.runFor(1000);
    await waitText(page, '[data-testid=pin-countdown]', '0:04');
    await page.clock.runFor(4000);
    await page.locator('#unlock-pin:not([disabled])').waitFor();
    await waitText(page, '[role=status]', 'Anda dapat memasukkan PIN lagi.');
    await unlockWith(page, PIN);
    await screen(page, 'home');
  });

  it('locks when the app goes to the background and returns to the same screen', async () => {
    const page = await start({ stage: 'activated' });
    await unlockWith(page);
    await screen(page, 'home');
    await page.click('[data-testid=menu-ktp]');
    await page.locator('[data-testid=qr] svg').waitFor();
    await setVisibility(page, 'hidden');
    await screen(page, 'unlock');
    await waitForCall(page, 'lock');
    await setVisibility(page, 'visible');
    await screen(page, 'unlock');
    expect(await page.locator('[data-testid=back]').isVisible()).toBe(false);
    await unlockWith(page);
    await screen(page, 'ktp');
    await page.locator('[data-testid=qr] svg').waitFor();
  });

  it('offline unlock: stale banner, reconnect button and the online event call refresh()', async () => {
    const page = await start({ stage: 'activated', offline: true });
    await unlockWith(page);
    await screen(page, 'home');
    await waitText(page, '[data-testid=stale-notice]', 'Tidak terhubung ke server');
    await shot(page, SIZES[0], 'home-stale');
    await page.click('[data-testid=reconnect]');
    await waitText(page, '[role=status]', 'Tersambung kembali');
    expect(await page.locator('[data-testid=stale-notice]').count()).toBe(0);

    const again = await start({ stage: 'activated', offline: true });
    await unlockWith(again);
    await again.locator('[data-testid=stale-notice]').waitFor();
    await again.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitForCall(again, 'refresh');
    await again.locator('[data-testid=stale-notice]').waitFor({ state: 'detached' });
  });
});

describe('KTP Digital', () => {
  it('shows the card, the chosen profile QR with its countdown, and renews it', async () => {
    const page = await start({ stage: 'activated' }, SIZES[0], { clock: true });
    await unlockWith(page);
    await page.click('[data-testid=menu-ktp]');
    await screen(page, 'ktp');
    await waitText(page, '[data-testid=card-name]', fx.card.name);
    expect(await page.locator('[data-testid=card-nik]').innerText()).toBe(NIK);
    expect(await page.locator('[data-testid=profile-basic]').isChecked()).toBe(true);
    await page.locator(`[data-testid=qr][data-text="${fx.qr.basic.text}.1"] svg`).waitFor();
    expect(await page.locator('[data-testid=qr-text]').textContent()).toBe(`${fx.qr.basic.text}.1`);
    await waitText(page, '[data-testid=qr-countdown]', 'Berlaku 1:30 lagi');
    await page.click('[data-testid=profile-full]');
    await waitForCall(page, 'present', { profile: 'full' });
    await page.locator(`[data-testid=qr][data-text="${fx.qr.full.text}.2"]`).waitFor();
    await page.clock.runFor(10_000);
    await waitText(page, '[data-testid=qr-countdown]', 'Berlaku 1:20 lagi');
    await page.clock.runFor(65_000);
    await page.locator(`[data-testid=qr][data-text="${fx.qr.full.text}.3"]`).waitFor();
    await waitText(page, '[data-testid=qr-countdown]', 'Berlaku 1:30 lagi');
    await page.click('[data-testid=back]');
    await screen(page, 'home');
    const presents = await count(page, 'present');
    await page.clock.runFor(200_000);
    expect(await count(page, 'present')).toBe(presents);
  });

  it('says when the QR comes from saved data', async () => {
    const page = await start({ stage: 'activated', offline: true });
    await unlockWith(page);
    await page.click('[data-testid=menu-ktp]');
    await page.locator('[data-testid=qr-stale]').waitFor();
    await shot(page, SIZES[0], 'ktp-stale');
  });
});

describe('account', () => {
  it('changes the PIN', async () => {
    const page = await start({ stage: 'activated' });
    await unlockWith(page);
    await page.click('[data-testid=menu-change-pin]');
    await screen(page, 'change-pin');
    await page.fill('#old-pin', '000000');
    await page.fill('#new-pin', '592817');
    await page.fill('#new-pin-confirm', '592818');
    await waitText(page, '#new-pin-confirm-error', fx.msg.pin_confirmation_mismatch);
    await page.fill('#new-pin-confirm', '592817');
    await page.locator('[data-testid=change-pin]:not([disabled])').waitFor();
    await page.click('[data-testid=change-pin]');
    await waitText(page, '[role=alert]', fx.msg.pin_wrong);
    expect(await page.inputValue('#new-pin')).toBe('592817');
    await page.fill('#old-pin', PIN);
    await page.click('[data-testid=change-pin]');
    await waitText(page, '[role=status]', 'PIN sudah diubah');
    await waitForCall(page, 'change_pin', { old: PIN, new: '592817' });
    expect(await page.inputValue('#old-pin')).toBe('');
  });

  it('releases the device after the confirm dialog and goes back to Welcome', async () => {
    const page = await start({ stage: 'activated' });
    await unlockWith(page);
    await page.click('[data-testid=menu-release]');
    await screen(page, 'release');
    await page.fill('#release-pin', PIN);
    await page.click('[data-testid=release]');
    await page.locator('dialog[open] [data-testid=release-confirm]').waitFor();
    await shot(page, SIZES[0], 'release-confirm');
    await page.click('[data-testid=release-cancel]');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    expect(await count(page, 'release_device')).toBe(0);
    await page.click('[data-testid=release]');
    await page.click('[data-testid=release-confirm]');
    await screen(page, 'welcome');
    await waitText(page, '[role=status]', 'Perangkat sudah dilepas');
    await waitForCall(page, 'release_device', { pin: PIN });
  });
});

describe('Layanan & Pengaduan', () => {
  it('lists the office channels as links with their kind', async () => {
    const page = await start({ stage: 'new' });
    await screen(page, 'welcome');
    await page.click('text=Layanan & Pengaduan');
    await screen(page, 'service');
    await waitText(page, '[data-testid=office-name]', fx.office.name);
    expect(await page.getAttribute('.channels li[data-kind=phone] a', 'href')).toBe('tel:+622187581234');
    expect(await page.locator('.channels li[data-kind=whatsapp]').innerText()).toContain('WhatsApp');
    expect(await page.locator('[data-testid=office-national]').count()).toBe(0);
  });

  it('opens a channel in the system handler, never in the web view', async () => {
    const page = await start({ stage: 'new' });
    await screen(page, 'welcome');
    await page.click('text=Layanan & Pengaduan');
    await screen(page, 'service');
    const url = page.url();
    // Whether each click's default action (navigating the web view) was cancelled, seen from
    // the window as the opener plugin's own link script sees it.
    await page.evaluate(() => {
      const w = window as unknown as { __prevented: boolean[] };
      w.__prevented = [];
      window.addEventListener('click', (e) => w.__prevented.push(e.defaultPrevented));
    });
    await page.click('.channels li[data-kind=phone] a');
    await waitForCall(page, 'plugin:opener|open_url', { url: 'tel:+622187581234' });
    await page.click('.channels li[data-kind=whatsapp] a');
    await waitForCall(page, 'plugin:opener|open_url', { url: 'https://wa.me/6281280001234' });
    expect(await page.evaluate(() => (window as unknown as { __prevented: boolean[] }).__prevented)).toEqual([true, true]);
    expect(page.url()).toBe(url);
    expect(page.context().pages()).toHaveLength(1);
    await screen(page, 'service');
    expect(await alertText(page)).toBe('');
  });

  it('says when only the national channels are known', async () => {
    const page = await start({ stage: 'new', national: true });
    await screen(page, 'welcome');
    await page.click('text=Layanan & Pengaduan');
    await page.locator('[data-testid=office-national]').waitFor();
    await shot(page, SIZES[0], 'service-national');
  });
});

describe('lock from Rust', () => {
  it('shows the PIN screen when a command answers `locked`', async () => {
    const page = await start({ stage: 'activated' });
    await unlockWith(page);
    await screen(page, 'home');
    // Rust forgot the unlock (the app process was restarted underneath the web view).
    await page.evaluate(() => {
      (window as unknown as { __ikdMock: { state(): { unlocked: boolean } } }).__ikdMock.state().unlocked = false;
    });
    await page.click('[data-testid=menu-biodata]');
    await screen(page, 'unlock');
    await waitText(page, '[role=alert]', fx.msg.locked);
    await unlockWith(page);
    await screen(page, 'biodata');
    await page.locator('dl.biodata').waitFor();
  });
});
