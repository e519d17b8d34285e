// The capture path end to end with a real video: Chromium's fake camera plays a Y4M of a
// synthetic live face made by `ikd liveness y4m` (the Rust test set), the liveness screen grabs and
// sends its frames as in the app (the IPC mock keeps every byte and header), and
// `ikd liveness check` runs the app's own analysis and tracker on exactly those frames.
//
// Needs the `ikd` CLI with the synthetic set: `cargo build -p ikd-cli --all-features` at the
// repository root (or `IKD_BIN_DIR` pointing at a directory holding `ikd`). Without it this test
// fails and says so.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAME_HEIGHT, FRAME_WIDTH } from './fixtures-liveness';
import { SIZES, frames, open, screen, startHarness, type Harness, type Opened } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../..');
const OUT = resolve(REPO, 'target/ui-liveness');
const ACTIONS = 'move_left,move_closer';
/** Capture this much longer than the video, so one whole pass is in the frames wherever it started. */
const MARGIN_MS = 2500;

function ikdBinary(): string {
  const bin = process.env.IKD_BIN_DIR ? resolve(process.env.IKD_BIN_DIR, 'ikd') : resolve(REPO, 'target/debug/ikd');
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} is missing: build the ikd CLI with the synthetic test set first ` +
        '(`cargo build -p ikd-cli --all-features` at the repository root, or set IKD_BIN_DIR), then run the UI tests again.',
    );
  }
  return bin;
}

function ikd(bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Width, height, frame rate and frame count of a Y4M file. */
function y4mInfo(data: Buffer): { width: number; height: number; fps: number; frames: number } {
  const headerEnd = data.indexOf(0x0a);
  const header = data.subarray(0, headerEnd).toString('latin1');
  if (!header.startsWith('YUV4MPEG2 ')) throw new Error(`not a Y4M file: ${header.slice(0, 40)}`);
  const param = (p: string) => header.split(' ').find((x) => x.startsWith(p))?.slice(1);
  const width = Number(param('W'));
  const height = Number(param('H'));
  const [num, den] = (param('F') ?? '').split(':').map(Number);
  const colour = param('C') ?? '420';
  if (!colour.startsWith('420')) throw new Error(`unexpected Y4M colour space C${colour}`);
  const frameBytes = width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
  let pos = headerEnd + 1;
  let count = 0;
  while (pos < data.length) {
    const lineEnd = data.indexOf(0x0a, pos);
    if (lineEnd < 0 || !data.subarray(pos, pos + 5).equals(Buffer.from('FRAME'))) throw new Error(`bad Y4M frame header at byte ${pos}`);
    pos = lineEnd + 1 + frameBytes;
    count += 1;
  }
  return { width, height, fps: num / den, frames: count };
}

let h: Harness | undefined;
let opened: Opened | undefined;
afterAll(async () => {
  await opened?.context.close();
  await h?.close();
});

describe('liveness with a fake camera video', () => {
  it('sends frames that pass the Rust analysis of the synthetic live face', { timeout: 180_000 }, async () => {
    const bin = ikdBinary();
    mkdirSync(OUT, { recursive: true });
    const y4m = resolve(OUT, 'bona-fide.y4m');
    const made = ikd(bin, ['liveness', 'y4m', '--actions', ACTIONS, '--seed', '1', '--out', y4m]);
    expect(made.status, `ikd liveness y4m: ${made.stderr}`).toBe(0);
    const video = y4mInfo(readFileSync(y4m));
    expect(video.frames).toBeGreaterThan(0);
    const durationMs = Math.round((video.frames * 1000) / video.fps);

    h = await startHarness([`--use-file-for-fake-video-capture=${y4m}`]);
    // Rust's part is mocked: "act" until the frames span the video and the margin, then done.
    opened = await open(h, { stage: 'new', keepFrames: true, scripts: [[`act0@${durationMs + MARGIN_MS}`, 'done']] }, SIZES[0]);
    const { page } = opened;
    await screen(page, 'welcome');
    await page.click('[data-testid=start]');
    await page.fill('#nik', '3201014506900002');
    await page.fill('#email', 'siti@example.id');
    await page.fill('#phone', '0812 3456 7890');
    await page.locator('[data-testid=submit-registration]:not([disabled])').waitFor();
    await page.click('[data-testid=submit-registration]');
    await screen(page, 'liveness');
    await page.locator('main[data-screen=status]').waitFor({ timeout: durationMs + MARGIN_MS + 30_000 });
    expect(opened.pageErrors).toEqual([]);

    // The records `ikd liveness check` reads: [u32 t_ms][u32 width][u32 height][RGBA], little-endian.
    const seen = await frames(page);
    const n = await page.evaluate(() => (window as unknown as { __ikdMock: { frameCount(): number } }).__ikdMock.frameCount());
    expect(n).toBe(seen.length);
    const records: Buffer[] = [];
    let last = -1;
    for (let i = 0; i < n; i += 1) {
      const f = await page.evaluate((j) => (window as unknown as { __ikdMock: { frame(j: number): { ms: number; base64: string } } }).__ikdMock.frame(j), i);
      const rgba = Buffer.from(f.base64, 'base64');
      expect(rgba.length).toBe(FRAME_WIDTH * FRAME_HEIGHT * 4);
      expect(String(f.ms)).toBe(seen[i].header);
      expect(f.ms).toBeGreaterThan(last);
      last = f.ms;
      const head = Buffer.alloc(12);
      head.writeUInt32LE(f.ms, 0);
      head.writeUInt32LE(FRAME_WIDTH, 4);
      head.writeUInt32LE(FRAME_HEIGHT, 8);
      records.push(head, rgba);
    }
    expect(last).toBeGreaterThanOrEqual(durationMs + MARGIN_MS);
    const bin2 = resolve(OUT, 'frames.bin');
    writeFileSync(bin2, Buffer.concat(records));

    const checked = ikd(bin, ['liveness', 'check', '--actions', ACTIONS, '--frames', bin2]);
    expect(checked.status, `ikd liveness check on ${n} frames (${bin2}): ${checked.stdout}${checked.stderr}`).toBe(0);
    expect(checked.stdout).toMatch(/^passed/);
  });
});
