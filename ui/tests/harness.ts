// Debian's Chromium driven by playwright-core (no downloaded browser), the built dist/ served on
// 127.0.0.1, and the IPC mock installed before the app loads.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mockConfig, type Scenario } from './fixtures';
import { serve } from './server';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = resolve(here, '../dist');
export const SHOTS = resolve(here, '../../target/ui-screenshots');
const MOCK = readFileSync(resolve(here, 'mock-ipc.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The app's Content Security Policy (src-tauri/tauri.conf.json), so the tests see what the web view
 * would refuse. The mock is an init script, which CSP does not block.
 */
function appCsp(): string {
  const fallback = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'";
  try {
    const conf = JSON.parse(readFileSync(resolve(here, '../../src-tauri/tauri.conf.json'), 'utf8')) as {
      app?: { security?: { csp?: string } };
    };
    return conf.app?.security?.csp ?? fallback;
  } catch {
    return fallback;
  }
}

export const SIZES = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
] as const;
export type Size = (typeof SIZES)[number];

export interface Harness {
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/** Chromium with the fake camera (its own test picture, or `extraArgs` such as a video file). */
export async function startHarness(extraArgs: string[] = []): Promise<Harness> {
  if (!existsSync(resolve(DIST, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });
  const server = await serve(DIST, appCsp());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...extraArgs,
    ],
  });
  return {
    browser,
    url: server.url,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  /** Errors thrown in the page (none expected). */
  pageErrors: string[];
}

/** A fresh context and page with the mock for `scenario`, the app loaded. */
export async function open(
  h: Harness,
  scenario: Scenario,
  size: Size = SIZES[0],
  opts: { clock?: boolean } = {},
): Promise<Opened> {
  const context = await h.browser.newContext({ viewport: { ...size }, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text());
  });
  await page.addInitScript({ content: `${MOCK}\n;installMock(${JSON.stringify(mockConfig(scenario))});` });
  // A controllable clock (it still runs by itself; tests fast-forward it with runFor).
  if (opts.clock) await page.clock.install();
  await page.goto(h.url);
  return { context, page, pageErrors };
}

/** Waits until `name` is the screen shown. */
export async function screen(page: Page, name: string): Promise<void> {
  await page.locator(`main[data-screen="${name}"]`).waitFor();
}

export interface Audit {
  overflow: boolean;
  scrollWidth: number;
  innerWidth: number;
  unlabelled: string[];
  smallTargets: string[];
}

/** Horizontal overflow, inputs without a label, touch targets under 44 px. */
export function audit(page: Page): Promise<Audit> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const unlabelled = Array.from(document.querySelectorAll('input, select, textarea'))
      .filter((el) => {
        const input = el as HTMLInputElement;
        if (input.type === 'hidden') return false;
        return !(input.labels && input.labels.length > 0) && !input.getAttribute('aria-label') && !input.getAttribute('aria-labelledby');
      })
      .map((el) => el.outerHTML.slice(0, 120));
    const smallTargets = Array.from(document.querySelectorAll('button, a[href], summary, label.choice, input:not([type=radio])'))
      .filter(visible)
      .filter((el) => el.getBoundingClientRect().height < 43.5)
      .map((el) => `${el.tagName} ${Math.round(el.getBoundingClientRect().height)}px ${el.textContent?.trim().slice(0, 40)}`);
    return {
      overflow: document.documentElement.scrollWidth > window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      unlabelled,
      smallTargets,
    };
  });
}

/** A full-page screenshot as target/ui-screenshots/<width>x<height>-<name>.png. */
export async function shot(page: Page, size: Size, name: string): Promise<string> {
  const path = resolve(SHOTS, `${size.width}x${size.height}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The commands the app called, in order (from the mock). */
export function calls(page: Page): Promise<{ cmd: string; args: Record<string, unknown> }[]> {
  return page.evaluate(() => (window as unknown as { __ikdMock: { calls(): { cmd: string; args: Record<string, unknown> }[] } }).__ikdMock.calls());
}

/** Waits until the mock saw `cmd` (optionally with args matching `match`). */
export async function waitForCall(page: Page, cmd: string, match?: Record<string, unknown>): Promise<void> {
  await page.waitForFunction(
    ([c, m]) =>
      (window as unknown as { __ikdMock: { calls(): { cmd: string; args: Record<string, unknown> }[] } }).__ikdMock
        .calls()
        .some((x) => x.cmd === c && (!m || Object.entries(m).every(([k, v]) => JSON.stringify(x.args[k]) === JSON.stringify(v)))),
    [cmd, match ?? null] as const,
  );
}

/** Waits until `selector`'s text contains `text`. */
export async function waitText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).first().waitFor();
}

/** Pretends the app went to the background (`hidden`) or came back (`visible`). */
export async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    Object.defineProperty(document, 'hidden', { value: s === 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

/** Lets the mock's held (`...`) liveness answer go on. */
export async function release(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __ikdMock: { release(): void } }).__ikdMock.release());
}

/** A frame the mock received: which attempt, the body's length, the x-ikd-frame-ms header. */
export interface FrameSeen {
  attempt: number;
  length: number;
  header: string | null;
}

export function frames(page: Page): Promise<FrameSeen[]> {
  return page.evaluate(() => (window as unknown as { __ikdMock: { state(): { frames: FrameSeen[] } } }).__ikdMock.state().frames);
}

/** Camera streams the page opened (through the mock), and whether every track of each has ended. */
export function streamsEnded(page: Page): Promise<boolean[]> {
  return page.evaluate(() =>
    (window as unknown as { __ikdStreams: MediaStream[] }).__ikdStreams.map((s) => s.getTracks().every((t) => t.readyState === 'ended')),
  );
}
