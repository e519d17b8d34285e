// The Tauri IPC, mocked inside the page (an init script): `window.__TAURI_INTERNALS__.invoke`
// answers each command the way crates/ikd-client/src/app.rs does, from the fixtures in
// fixtures.ts. Its state survives a reload (sessionStorage), like the Rust side's files would.
// Plain JavaScript on purpose: it runs as is in the page.
/* eslint-disable */
function installMock(cfg) {
  const KEY = '__ikd_mock_state';
  const blankDraft = { nik: '', email: '', phone: '' };
  let s = null;
  try {
    s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch (e) {
    s = null;
  }
  if (!s) {
    s = {
      stage: cfg.stage,
      lang: cfg.lang || 'id',
      draft: cfg.draft || blankDraft,
      registrationId: cfg.stage === 'new' ? null : cfg.registrationId,
      regState: cfg.regState || 'submitted',
      statusFails: 0,
      unlocked: false,
      online: !cfg.offline,
      wrong: 0,
      qrCount: 0,
      regQrCount: 0,
      pin: cfg.pin,
      calls: [],
      // Liveness: the attempt under way, how many were started, and every frame received.
      live: null,
      attempts: 0,
      frames: [],
      finishCalls: 0,
      released: false,
      // The mail link waiting for take_link (the app was opened with it).
      link: cfg.link || null,
      // Event listeners (`listen`): name per handler id.
      listeners: {},
    };
  }
  // The raw bytes of each frame (only with cfg.keepFrames; not kept across a reload).
  const rawFrames = [];
  const save = () => sessionStorage.setItem(KEY, JSON.stringify(s));
  const fx = () => cfg.fx[s.lang];
  const err = (code, extra) => Object.assign({ code, message: (fx().msg[code] || code) }, extra || {});
  const info = () => ({
    stage: s.stage,
    lang: s.lang,
    server: 'https://siak.example.test',
    draft: s.draft,
    registration_id: s.registrationId,
    unlocked: s.unlocked,
    recovery: s.stage === 'recovering' ? recoveryView(s.confirmed ? 'waiting' : null) : null,
    version: '0.1.0',
  });
  // A device change started here; `state` null until the code is confirmed.
  const recoveryView = (state) => ({
    email_hint: 'wa***@example.id',
    expires_in_minutes: 30,
    waiting: state ? { state, completes_at: '2026-12-05 08:00', hours_left: state === 'waiting' ? 72 : 0 } : null,
  });
  const requireUnlocked = () => {
    if (!s.unlocked) throw err('locked');
  };
  const empty = () => ({ empty: true, ok: false, value: null, error: null });
  const bad = (code, n) => ({ empty: false, ok: false, value: null, error: { code, message: fx().msg[code].replace('{n}', String(n)) } });
  const ok = (value) => ({ empty: false, ok: true, value, error: null });
  const nikNone = (field) => ({ field, province: null, regency: null, district: null, birth_date: null, sex: null, age: null, warnings: [] });
  function nikCheck(nik) {
    if (!nik.trim()) return nikNone(empty());
    const v = nik.replace(/[\s.-]/g, '');
    if (!/^\d+$/.test(v)) return nikNone(bad('nik_not_digits'));
    if (v.length !== 16) return nikNone(bad('nik_wrong_length', v.length));
    if (v.startsWith('99')) return nikNone(bad('nik_region_unknown'));
    const base = v === fx().nikYoung.field.value ? fx().nikYoung : fx().nikOk;
    return Object.assign({}, base, { field: ok(v) });
  }
  function fieldCheck(value, good, code, norm) {
    if (!value.trim()) return empty();
    return good(value) ? ok(norm(value)) : bad(code);
  }
  function pinField(pin) {
    if (pin === '') return empty();
    if (!/^\d{6}$/.test(pin)) return bad('pin_wrong_length');
    if (/^(\d)\1+$/.test(pin)) return bad('pin_same_digits');
    if (pin === '123456' || pin === '654321') return bad('pin_sequence');
    return ok('');
  }
  function startAttempt(purpose) {
    s.attempts += 1;
    s.released = false;
    s.live = { purpose, attempt: s.attempts, step: 0, done: false, over: false };
    return Object.assign({}, fx().liveness.session, { purpose, source: cfg.livenessSource });
  }
  const statusView = () => Object.assign({}, fx().statuses[s.regState], { registration_id: s.registrationId });
  const handlers = {
    app_info: () => info(),
    set_lang: (a) => {
      if (a.lang !== 'id' && a.lang !== 'en') throw err('lang_unknown');
      s.lang = a.lang;
      return info();
    },
    save_draft: (a) => {
      s.draft = a.draft;
      return null;
    },
    check_registration: (a) => {
      const nik = nikCheck(a.nik);
      const email = fieldCheck(a.email, (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim()), 'email_invalid', (v) => v.trim().toLowerCase());
      const phone = fieldCheck(
        a.phone,
        (v) => /^(\+62|62|0)8\d{8,11}$/.test(v.replace(/[\s-]/g, '')),
        'phone_invalid',
        (v) => '+62' + v.replace(/[\s-]/g, '').replace(/^(\+62|62|0)/, ''),
      );
      return { nik, email, phone, ready: nik.field.ok && email.ok && phone.ok };
    },
    check_pin: (a) => {
      const pin = pinField(a.pin);
      const confirm = a.confirm === '' ? empty() : a.confirm === a.pin ? ok('') : bad('pin_confirmation_mismatch');
      return { pin, confirm, ready: pin.ok && confirm.ok, rules: fx().pinRules };
    },
    liveness_start: (a) => {
      s.draft = { nik: a.nik, email: a.email, phone: a.phone };
      const c = handlers.check_registration(a);
      if (!c.ready) throw err((c.nik.field.error || c.email.error || c.phone.error || { code: 'form_incomplete' }).code);
      if (cfg.startError) throw err(cfg.startError);
      return startAttempt('register');
    },
    recovery_start: (a) => {
      if (a.nik.replace(/\D/g, '') !== cfg.recoveryNik || a.email.trim().toLowerCase() !== cfg.recoveryEmail) throw err('recovery_unknown');
      return startAttempt('recover');
    },
    liveness_frame: (bytes, options) => {
      if (!s.live || s.live.over) throw err('liveness_no_attempt');
      const header = options && options.headers ? options.headers['x-ikd-frame-ms'] : undefined;
      const ms = Number(header);
      const length = bytes instanceof Uint8Array ? bytes.byteLength : -1;
      s.frames.push({ attempt: s.live.attempt, length, header: header === undefined ? null : header });
      if (cfg.keepFrames) rawFrames.push({ ms, bytes: new Uint8Array(bytes) });
      const script = cfg.scripts[Math.min(s.live.attempt - 1, cfg.scripts.length - 1)];
      let entry = script[Math.min(s.live.step, script.length - 1)];
      const m = /^(.*?)(\.\.\.|@(\d+))?$/.exec(entry);
      const held = m[2] === '...' ? !s.released : m[3] !== undefined ? ms < Number(m[3]) : false;
      if (!held) s.live.step += 1;
      const parts = m[1].split(':');
      const key = parts[0] === 'failed' ? parts[0] + ':' + parts[1] : parts[0];
      const issue = parts[0] === 'failed' ? null : parts[1];
      const out = Object.assign({}, fx().liveness.progress[key], { issue: issue ? fx().liveness.issues[issue] : null, elapsed_ms: ms });
      if (out.phase === 'done') s.live.done = true;
      if (out.phase === 'done' || out.phase === 'failed') s.live.over = true;
      return out;
    },
    liveness_finish: () => {
      if (!s.live || !s.live.done) throw err('liveness_no_attempt');
      s.finishCalls += 1;
      if (s.finishCalls <= cfg.finishErrors.length) {
        s.live = null;
        throw err(cfg.finishErrors[s.finishCalls - 1]);
      }
      const purpose = s.live.purpose;
      s.live = null;
      if (purpose === 'recover') {
        s.stage = 'recovering';
        s.unlocked = false;
        return { purpose, status: null, recovery: fx().liveness.recovery };
      }
      s.stage = 'registered';
      s.registrationId = cfg.registrationId;
      s.regState = 'submitted';
      return { purpose, status: statusView(), recovery: null };
    },
    liveness_cancel: () => {
      s.live = null;
      return null;
    },
    recovery_confirm: (a) => {
      if (s.stage !== 'recovering') throw err('liveness_no_attempt');
      if (a.code.replace(/[\s-]/g, '').toUpperCase() !== cfg.recoveryCode) throw err('recovery_code_wrong');
      s.confirmed = true;
      return recoveryView('waiting');
    },
    recovery_poll: () => {
      if (!s.confirmed) throw err('no_recovery');
      return recoveryView(cfg.waitState || 'ready');
    },
    device_change_notice: () => {
      requireUnlocked();
      return cfg.deviceChange && !s.deviceChangeCancelled ? { completes_at: '2026-12-05 08:00', hours_left: 71 } : null;
    },
    device_change_cancel: () => {
      requireUnlocked();
      s.deviceChangeCancelled = true;
      return null;
    },
    recovery_complete: (a) => {
      if (!s.confirmed) throw err('no_recovery');
      if ((cfg.waitState || 'ready') !== 'ready') throw err('device_change_waiting');
      s.confirmed = false;
      s.stage = 'activated';
      s.unlocked = true;
      s.pin = a.pin;
      s.wrong = 0;
      return s.online ? fx().unlockOnline : fx().unlockStale;
    },
    registration_status: () => {
      if (!s.registrationId) throw err('locked');
      if (s.statusFails < cfg.statusFailures) {
        s.statusFails += 1;
        throw err('offline');
      }
      if (cfg.registration === 'reject') s.regState = 'rejected';
      else if (cfg.registration === 'expire') s.regState = 'expired';
      else if (s.regState === 'submitted') s.regState = 'awaiting_operator_scan';
      else if (s.regState === 'awaiting_operator_scan' && cfg.registration !== 'wait') s.regState = 'approved';
      return statusView();
    },
    registration_qr: () => {
      if (!s.registrationId) throw err('not_registered');
      const qrs = fx().registrationQrs;
      s.regQrCount += 1;
      return qrs[Math.min(s.regQrCount, qrs.length) - 1];
    },
    start_over: () => {
      s.stage = 'new';
      s.registrationId = null;
      s.regState = 'submitted';
      return info();
    },
    activate: (a) => {
      if (a.code.replace(/[\s-]/g, '').toUpperCase() !== cfg.activationCode) throw err('activation_code_wrong');
      s.stage = 'activated';
      s.unlocked = true;
      s.pin = a.pin;
      s.draft = blankDraft;
      return s.online ? fx().unlockOnline : fx().unlockStale;
    },
    unlock: (a) => {
      if (a.pin !== s.pin) {
        s.wrong += 1;
        if (s.wrong >= cfg.lockAfter) {
          s.wrong = 0;
          throw err('pin_locked', { retry_after_secs: cfg.retryAfter });
        }
        throw err('pin_wrong');
      }
      s.wrong = 0;
      s.unlocked = true;
      return s.online ? fx().unlockOnline : fx().unlockStale;
    },
    lock: () => {
      s.unlocked = false;
      return null;
    },
    refresh: () => {
      requireUnlocked();
      s.online = true;
      return fx().unlockOnline;
    },
    card: () => {
      requireUnlocked();
      return s.online ? fx().card : fx().cardStale;
    },
    profiles: () => fx().profiles,
    present: (a) => {
      requireUnlocked();
      const q = fx().qr[a.profile];
      if (!q) throw err('profile_unknown');
      s.qrCount += 1;
      return Object.assign({}, q, { text: q.text + '.' + s.qrCount, stale: !s.online });
    },
    change_pin: (a) => {
      requireUnlocked();
      if (a.old !== s.pin) throw err('pin_wrong');
      s.pin = a.new;
      return null;
    },
    release_device: (a) => {
      requireUnlocked();
      if (a.pin !== s.pin) throw err('pin_wrong');
      s.stage = 'new';
      s.registrationId = null;
      s.unlocked = false;
      s.draft = blankDraft;
      return info();
    },
    family: () => {
      requireUnlocked();
      return fx().family;
    },
    activity: () => {
      requireUnlocked();
      return fx().activity;
    },
    office: () => (cfg.national ? fx().officeNational : fx().office),
    take_link: () => {
      const link = s.link;
      s.link = null;
      if (!link) return null;
      if (link.error) throw err(link.error);
      return link;
    },
    // Tauri's event API (`listen`), granted for the app's own `ikd-link` event.
    'plugin:event|listen': (a) => {
      s.listeners[a.handler] = a.event;
      return a.handler;
    },
    'plugin:event|unlisten': () => null,
    // The opener plugin, with the capability's scope (src-tauri/capabilities/main.json).
    'plugin:opener|open_url': (a) => {
      if (!/^(https?:\/\/|mailto:|tel:|sms:)/.test(a.url)) throw 'Not allowed to open url ' + a.url;
      return null;
    },
  };
  let callbackId = 0;
  window.__ikdMock = {
    calls: () => s.calls,
    state: () => s,
    reset: () => sessionStorage.removeItem(KEY),
    /** A mail link opens the running app: the shell's `ikd-link` event. */
    openLink: (link) => {
      s.link = link;
      save();
      for (const [id, name] of Object.entries(s.listeners)) {
        if (name === 'ikd-link' && window['_' + id]) window['_' + id]({ event: name, id: Number(id), payload: null });
      }
    },
    /** Lets a held (`...`) script entry go on. */
    release: () => {
      s.released = true;
      save();
    },
    /** Frames kept (cfg.keepFrames): count, and one frame's time and bytes as base64. */
    frameCount: () => rawFrames.length,
    frame: (i) => {
      const f = rawFrames[i];
      let bin = '';
      for (let j = 0; j < f.bytes.length; j += 0x8000) bin += String.fromCharCode.apply(null, f.bytes.subarray(j, j + 0x8000));
      return { ms: f.ms, base64: btoa(bin) };
    },
  };
  window.__TAURI_INTERNALS__ = {
    invoke: (cmd, args, options) =>
      new Promise((resolve, reject) => {
        const run = () => {
          // A raw body (a frame) is recorded by its length only.
          s.calls.push({ cmd, args: args instanceof Uint8Array ? { byteLength: args.byteLength } : args || {} });
          const handler = handlers[cmd];
          try {
            if (!handler) throw 'command ' + cmd + ' not found';
            const out = handler(args || {}, options);
            save();
            resolve(out === undefined ? null : JSON.parse(JSON.stringify(out)));
          } catch (e) {
            save();
            reject(e);
          }
        };
        if (cfg.latency > 0) setTimeout(run, cfg.latency);
        else queueMicrotask(run);
      }),
    transformCallback: (callback, once) => {
      callbackId += 1;
      const id = callbackId;
      window['_' + id] = (arg) => {
        if (once) delete window['_' + id];
        if (callback) callback(arg);
      };
      return id;
    },
    unregisterCallback: (id) => {
      delete window['_' + id];
    },
    convertFileSrc: (path) => path,
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
  };

  // The camera: Chromium's fake device (streams recorded so a test can see them stopped), a
  // refusal, or no camera at all.
  window.__ikdStreams = [];
  window.__ikdCameraCalls = 0;
  const media = navigator.mediaDevices;
  if (cfg.camera === 'absent') {
    Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
  } else if (media) {
    const original = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      window.__ikdCameraCalls += 1;
      if (cfg.camera === 'denied') throw new DOMException('Permission denied', 'NotAllowedError');
      const stream = await original(constraints);
      window.__ikdStreams.push(stream);
      return stream;
    };
  }
}
