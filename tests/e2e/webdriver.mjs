// A minimal W3C WebDriver client over fetch: enough to drive the real app through tauri-driver
// (which forwards to WebKitWebDriver). Every wait polls a condition with a deadline; nothing sleeps
// for a fixed time.

import { writeFileSync } from 'node:fs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(base, capabilities) {
    const value = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async delete() {
    await this.cmd('DELETE', '');
  }

  /** The first element matching `css`, or null. */
  async find(css) {
    try {
      const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
      return value[ELEMENT];
    } catch (e) {
      if (e instanceof WebDriverError && /no such element/.test(e.message)) return null;
      throw e;
    }
  }

  /** Waits until `probe()` returns a truthy value and returns it. */
  async until(what, probe, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        const v = await probe();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 100)); // poll interval, not a wait for time to pass
    }
  }

  /** Waits for a displayed element matching `css`. */
  async element(css, timeoutMs) {
    return this.until(css, async () => {
      const el = await this.find(css);
      if (!el) return null;
      const shown = await this.cmd('GET', `/element/${el}/displayed`);
      return shown ? el : null;
    }, timeoutMs);
  }

  async click(css) {
    const el = await this.until(`${css} enabled`, async () => {
      const el = await this.element(css);
      return (await this.cmd('GET', `/element/${el}/enabled`)) ? el : null;
    });
    await this.cmd('POST', `/element/${el}/click`, {});
  }

  async type(css, text) {
    const el = await this.element(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  async text(css) {
    const el = await this.element(css);
    return this.cmd('GET', `/element/${el}/text`);
  }

  async attribute(css, name) {
    const el = await this.element(css);
    return this.cmd('GET', `/element/${el}/attribute/${name}`);
  }

  async enabled(css) {
    const el = await this.element(css);
    return this.cmd('GET', `/element/${el}/enabled`);
  }

  /** Waits for the screen `name` (`data-screen` on the screen's root). */
  async screen(name, timeoutMs) {
    return this.element(`[data-screen="${name}"]`, timeoutMs);
  }

  async exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async screenshot(path) {
    const png = await this.cmd('GET', '/screenshot');
    writeFileSync(path, Buffer.from(png, 'base64'));
  }
}

async function call(base, method, path, body) {
  const res = await send(base, method, path, body).catch((e) => {
    throw new WebDriverError(`${method} ${path}: ${e.name === 'TimeoutError' ? 'no answer in 60 s' : e.message}`);
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new WebDriverError(`${method} ${path}: ${v.error ?? res.status} ${v.message ?? ''}`.trim());
  }
  return json.value;
}

function send(base, method, path, body) {
  return fetch(base + path, {
    // A command that hangs (a modal prompt, a stuck page) fails the test instead of stalling CI.
    signal: AbortSignal.timeout(60000),
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
}
