// A configuration the app must refuse is a screen, never a crash: the real app (debug build, as
// the story runs it) started with a server address that is no server address, then with a data
// directory that is a file, opens its window on the startup error page, which says in Bahasa
// Indonesia and English what is wrong and what to do, with the stable code; the process stays up.
// (A release build refuses plain http the same way: `server_url_not_https`.)
//
// Run by scripts/e2e.sh (Xvfb and a Secret Service). Screenshots: target/e2e-screenshots/.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appProcesses, bin, launchApp, shot, startDriver, stopChildren } from './harness.mjs';

const work = mkdtempSync(join(tmpdir(), 'ikd-e2e-startup-'));
const notADir = join(work, 'not-a-directory');
writeFileSync(notADir, 'a file where the app data directory should be\n');

after(() => {
  stopChildren();
  rmSync(work, { recursive: true, force: true });
});

const cases = [
  {
    name: 'server-url',
    env: { IKD_SIAK_URL: 'ftp://siak.example.id', IKD_DATA_DIR: join(work, 'data-url') },
    code: 'server_url_invalid',
    id: /Alamat server SIAK tidak sah: "ftp:\/\/siak\.example\.id"\. Pasang ulang aplikasi resmi\./,
    en: /The SIAK server address is not valid: "ftp:\/\/siak\.example\.id"\. Reinstall the official app\./,
  },
  {
    name: 'data-dir',
    // Nothing listens there; the app never gets as far as calling it.
    env: { IKD_SIAK_URL: 'http://127.0.0.1:9', IKD_DATA_DIR: notADir },
    code: 'storage_failed',
    id: /Penyimpanan aman di HP tidak bisa dipakai\./,
    en: /The phone's secure storage cannot be used\./,
  },
];

for (const c of cases) {
  test(`a refused configuration (${c.name}) shows what is wrong and the app stays up`, { timeout: 60000 }, async () => {
    const marker = `IKD_KEYRING_SERVICE=ikd-e2e-startup-${process.pid}-${c.name}`;
    const [name, value] = marker.split('=');
    const driver = await startDriver({ ...c.env, [name]: value });
    const app = await launchApp(driver, join(bin, 'ikd-app'));
    try {
      await app.screen('startup-error', 30000);
      assert.equal((await app.text('[data-testid=startup-error-code]')).trim(), c.code);
      assert.match(await app.text('[data-testid=startup-error-id]'), c.id);
      assert.match(await app.text('[data-testid=startup-error-en]'), c.en);
      assert.match(await app.text('h1'), /KTP Digital tidak bisa dibuka/);
      shot(`startup-error-${c.name}`);
      // Still running after showing it: the window answers and the process is there.
      assert.equal(await app.exec('return document.readyState'), 'complete');
      assert.equal(appProcesses(marker).length, 1, 'the app process is alive');
    } finally {
      await app.delete();
    }
  });
}
