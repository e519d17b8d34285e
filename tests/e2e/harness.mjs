// What every end-to-end test file shares: where the binaries are, starting tauri-driver with the
// app's environment, launching the app through it, screenshots of the X display, and stopping
// every child process the file started.

import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Session } from './webdriver.mjs';

export const root = resolve(import.meta.dirname, '../..');
/** The debug binaries the story runs (`IKD_BIN_DIR` points elsewhere). */
export const bin = join(root, process.env.IKD_BIN_DIR ?? 'target/debug');
export const shots = join(root, 'target/e2e-screenshots');
const children = [];
let shotNo = 0;

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Starts `cmd` and resolves with the first stdout line matching `re`. */
export function startAndWaitFor(cmd, args, env, re, what) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr.on('data', (d) => process.env.IKD_E2E_VERBOSE && process.stderr.write(d));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${what} did not start in 120 s`)), 120000);
    child.on('exit', (code) => fail(new Error(`${what} exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(re);
      if (m) {
        clearTimeout(timer);
        ok(m);
      }
    });
  });
}

/**
 * Starts a tauri-driver whose apps get `env` (the app inherits tauri-driver's environment: that
 * is how a test gives it its SIAK URL, data directory and keyring service) and resolves with its
 * URL once its status endpoint answers.
 */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(driver);
  driver.stderr.on('data', (d) => process.env.IKD_E2E_VERBOSE && process.stderr.write(d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return url;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('tauri-driver did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the app `application` through the driver at `driverUrl`; `args` as a desktop gives them
 * (a deep link is the only argument). */
export function launchApp(driverUrl, application, args = []) {
  return Session.create(driverUrl, {
    browserName: 'wry',
    'tauri:options': { application, args },
  });
}

// Screenshots come from the X display (ImageMagick's `import`): WebKitWebDriver's own screenshot
// command sometimes waits forever for a frame under Xvfb.
/** Saves the app's window as target/e2e-screenshots/NN-name.png and returns the file. */
export function shot(name) {
  mkdirSync(shots, { recursive: true });
  shotNo += 1;
  const file = join(shots, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  execFileSync('import', ['-window', 'root', '-crop', '390x844+0+0', '+repage', file]);
  return file;
}

/** The ids of the running `ikd-app` processes whose environment holds `marker` (`NAME=value`). */
export function appProcesses(marker) {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/exe`).endsWith('/ikd-app') && readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

/** Stops every process this file started. */
export function stopChildren() {
  for (const c of children) c.kill('SIGTERM');
}
