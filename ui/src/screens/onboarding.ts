// Welcome, registration form, status tracker, activation (the liveness capture is in liveness.ts).
import * as commands from '../generated/commands';
import type { Ctx } from '../screen';
import { busy, debounce, fill, h, svgFromMarkup } from '../dom';
import { formatCountdown, formatDate, formatDateTime, secondsLeft } from '../format';
import type { PinCheck, RegistrationCheck, RegistrationQrView, RegistrationStateCode, RegistrationStatus, StepState } from '../generated/types';
import { currentLang, t, tAny, type Key } from '../i18n';
import { icon, type IconName } from '../icons';
import { button, dl, field, loadingLine, pinAttrs, showCheck } from '../ui';

// ---------------------------------------------------------------------------------------------
// 1. Welcome

export function welcomeScreen(ctx: Ctx): void {
  ctx.title(t('app_name'));
  const reqs: [IconName, Key][] = [
    ['user', 'req_age'],
    ['card', 'req_ktp'],
    ['phone', 'req_phone'],
    ['mail', 'req_contact'],
    ['users', 'req_family'],
  ];
  const steps: Key[] = ['how_1', 'how_2', 'how_3', 'how_4'];
  ctx.root.append(
    h('p', { class: 'lead' }, t('welcome_lead')),
    h('h2', null, t('req_title')),
    h('ul', { class: 'icon-list' }, reqs.map(([i, k]) => h('li', null, icon(i), h('span', null, t(k))))),
    h('h2', null, t('how_title')),
    h('ol', { class: 'how' }, steps.map((k) => h('li', null, t(k)))),
    h('p', null, t('welcome_free')),
    h(
      'div',
      { class: 'actions' },
      button(t('start'), { class: 'primary', 'data-testid': 'start', onclick: () => ctx.intents.go('register') }),
      button(t('menu_service'), { class: 'secondary', onclick: () => ctx.intents.go('service') }, 'help'),
      button(t('to_recover'), { class: 'secondary', 'data-testid': 'to-recover', onclick: () => ctx.intents.go('recover') }, 'phone'),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Registration form

export function registerScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('register_title'));
  const draft = session.info.draft;
  const nik = field(
    'nik',
    t('nik_label'),
    { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'next' },
    t('nik_hint'),
  );
  const email = field(
    'email',
    t('email_label'),
    { type: 'email', inputmode: 'email', autocomplete: 'email', autocapitalize: 'off', spellcheck: 'false', enterkeyhint: 'next' },
    t('email_hint'),
  );
  const phone = field(
    'phone',
    t('phone_label'),
    { type: 'tel', inputmode: 'tel', autocomplete: 'tel', enterkeyhint: 'send' },
    t('phone_hint'),
  );
  nik.input.value = draft.nik;
  email.input.value = draft.email;
  phone.input.value = draft.phone;
  const submit = button(t('submit_registration'), { type: 'submit', class: 'primary', 'data-testid': 'submit-registration', disabled: true }, 'check');
  const form = h('form', { novalidate: true, class: 'form' }, nik.wrap, email.wrap, phone.wrap, h('div', { class: 'actions' }, submit));
  ctx.root.append(h('p', { class: 'lead' }, t('register_lead')), form);

  const values = () => ({ nik: nik.input.value, email: email.input.value, phone: phone.input.value });

  let seq = 0;
  const check = async () => {
    const mine = ++seq;
    const v = values();
    try {
      const result = await commands.checkRegistration(v.nik, v.email, v.phone);
      if (mine === seq && ctx.alive()) render(result);
    } catch (err) {
      ctx.error(err);
    }
  };
  const save = () => {
    session.setDraft(values());
    commands.saveDraft(session.info.draft).catch((err) => ctx.error(err));
  };
  const changed = debounce(() => {
    save();
    void check();
  }, 100);
  // Keep the last keystrokes when leaving before the debounce fires.
  ctx.onLeave(() => changed.flush());
  form.addEventListener('input', () => {
    session.setDraft(values());
    changed();
  });

  function render(c: RegistrationCheck): void {
    showCheck(nik, c.nik.field);
    showCheck(email, c.email);
    showCheck(phone, c.phone);
    const n = c.nik;
    const region = [n.district, n.regency, n.province].filter(Boolean).join(', ');
    fill(
      nik.below,
      n.field.ok
        ? h(
            'div',
            { class: 'nik-info' },
            h('p', { class: 'nik-from' }, t('nik_from')),
            dl([
              [t('nik_region'), region ? h('span', { 'data-testid': 'nik-region' }, region) : null],
              [t('nik_birth'), n.birth_date ? formatDate(n.birth_date, currentLang()) : null],
              [t('nik_sex'), n.sex],
              [t('nik_age'), n.age === null ? null : t('age_years', { n: n.age })],
            ]),
          )
        : null,
      n.warnings.length
        ? h('ul', { class: 'warnings' }, n.warnings.map((w) => h('li', { 'data-code': w.code }, icon('alert'), h('span', null, w.message))))
        : null,
    );
    submit.disabled = !c.ready;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    changed.cancel();
    save();
    const v = values();
    ctx.clearError();
    busy(submit, () => commands.livenessStart(v.nik, v.email, v.phone), t('busy'))
      .then((challenge) => {
        // The selfie comes before the registration is sent: the evidence goes with it.
        session.liveness = { purpose: 'register', session: challenge };
        intents.go('liveness');
      })
      .catch((err) => ctx.error(err));
  });

  void check();
}

// ---------------------------------------------------------------------------------------------
// 4. Status tracker

const STEP_ICONS: Record<StepState, IconName> = { done: 'check', current: 'dot', todo: 'todo', failed: 'cross' };
const POLL_MS = 3000;
const POLL_MAX_MS = 30_000;
/** States after which nothing changes without the resident. */
const SETTLED = new Set<RegistrationStateCode>(['approved', 'rejected', 'expired', 'activated']);

/**
 * The registration QR the officer scans: made on the phone (no server call, so it works offline)
 * for the current 30-second window and remade when the window turns, like the KTP QR; the
 * seconds left are shown. `start` while the registration waits for the officer, `stop` after.
 */
function registrationQr(ctx: Ctx): { figure: HTMLElement; start(): void; stop(): void } {
  const qrBox = h('div', { class: 'qr', 'data-testid': 'registration-qr', 'data-text': '' }, loadingLine(t('loading')));
  const countdown = h('p', { class: 'countdown', 'data-testid': 'registration-qr-countdown' });
  const text = h('code', { class: 'qr-text', 'data-testid': 'registration-qr-text' });
  const figure = h(
    'figure',
    { class: 'qr-figure' },
    h('h2', null, t('reg_qr_title')),
    qrBox,
    countdown,
    h('p', { class: 'hint' }, icon('sun'), h('span', null, t('brightness_hint'))),
    h('figcaption', null, h('span', { class: 'qr-text-label' }, t('reg_qr_text_label')), text),
  );
  let qr: RegistrationQrView | null = null;
  let receivedAt = 0;
  let inFlight = false;
  let running = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  function tick(): void {
    if (!qr) return;
    const left = secondsLeft(qr.seconds_left, performance.now() - receivedAt);
    countdown.dataset.secondsLeft = String(left);
    fill(countdown, icon('clock'), h('span', null, t('reg_qr_changes_in', { time: formatCountdown(left) })));
    if (left <= 0 && !inFlight) void make();
  }

  async function make(): Promise<void> {
    inFlight = true;
    try {
      const view = await commands.registrationQr();
      if (!ctx.alive() || !running) return;
      qr = view;
      receivedAt = performance.now();
      qrBox.dataset.text = view.text;
      fill(qrBox, svgFromMarkup(view.svg, t('reg_qr_alt')));
      text.textContent = view.text;
      tick();
      clearInterval(timer);
      timer = setInterval(tick, 1000);
    } catch (err) {
      if (ctx.alive()) ctx.error(err);
    } finally {
      inFlight = false;
    }
  }

  return {
    figure,
    start() {
      if (running) return;
      running = true;
      void make();
    },
    stop() {
      running = false;
      clearInterval(timer);
    },
  };
}

export function statusScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('status_title'));
  const box = h('section', { 'data-testid': 'status', 'data-state': '' }, loadingLine(t('loading')));
  const retryLine = h('p', { class: 'hint', 'data-testid': 'poll-retry' });
  // Announces what to do when the state changes (the tracker itself is redrawn).
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  ctx.root.append(live, box, retryLine);
  const qr = registrationQr(ctx);
  ctx.onLeave(() => qr.stop());
  let shown = '';
  let shownState = '';

  function render(st: RegistrationStatus): void {
    const key = JSON.stringify(st) + currentLang();
    if (key === shown) return;
    shown = key;
    if (shownState && shownState !== st.state) live.textContent = st.next;
    shownState = st.state;
    box.dataset.state = st.state;
    const waiting = st.state === 'awaiting_operator_scan';
    if (waiting) qr.start();
    else qr.stop();
    fill(
      box,
      h(
        'ol',
        { class: 'steps' },
        st.steps.map((s) =>
          h(
            'li',
            { class: `step ${s.state}`, 'data-key': s.key, 'data-step-state': s.state },
            icon(STEP_ICONS[s.state] ?? 'todo', 'icon step-icon'),
            h('div', null, h('span', { class: 'step-label' }, s.label), h('span', { class: 'step-state' }, tAny(`step_${s.state}`, s.state))),
          ),
        ),
      ),
      h('div', { class: 'next' }, h('h2', null, t('next_title')), h('p', null, st.next)),
      st.reason
        ? h('div', { class: 'banner warn', 'data-testid': 'rejection' }, icon('alert'), h('div', null, h('h2', null, t('reason_title')), h('p', { 'data-code': st.reason.code }, st.reason.message)))
        : null,
      waiting ? qr.figure : null,
      st.state === 'approved'
        ? button(t('to_activation'), { class: 'primary', 'data-testid': 'to-activation', onclick: () => intents.go('activate') }, 'key')
        : null,
      st.state === 'rejected' || st.state === 'expired'
        ? button(t('start_over'), { class: 'primary', 'data-testid': 'start-over', onclick: (ev) => void startOver(ev.currentTarget as HTMLButtonElement) }, 'refresh')
        : null,
      dl([
        [t('reg_id'), h('code', null, st.registration_id)],
        [t('submitted_at'), formatDateTime(st.submitted_at, currentLang())],
      ], { class: 'meta' }),
    );
  }

  async function startOver(btn: HTMLButtonElement): Promise<void> {
    try {
      const info = await busy(btn, () => commands.startOver(), t('busy'));
      session.info = info;
      session.status = null;
      intents.restart('welcome', 'register');
    } catch (err) {
      ctx.error(err);
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = POLL_MS;
  const schedule = () => {
    if (ctx.alive()) timer = setTimeout(() => void poll(), delay);
  };
  async function poll(): Promise<void> {
    try {
      const st = await commands.registrationStatus();
      if (!ctx.alive()) return;
      session.status = st;
      render(st);
      ctx.clearError();
      retryLine.replaceChildren();
      delay = POLL_MS;
      if (SETTLED.has(st.state)) return;
    } catch (err) {
      if (!ctx.alive()) return;
      ctx.error(err);
      delay = Math.min(delay * 2, POLL_MAX_MS);
      fill(retryLine, t('poll_retry', { n: Math.round(delay / 1000) }));
    }
    schedule();
  }
  ctx.onLeave(() => clearTimeout(timer));

  if (session.status) {
    render(session.status);
    if (!SETTLED.has(session.status.state)) schedule();
  } else {
    void poll();
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Activation

/** The live PIN check shared by activation and Ubah PIN: two fields and the rules. */
export function pinPair(
  ctx: Ctx,
  ids: [string, string],
  labels: [string, string],
  onReady: (ready: boolean) => void,
): { pin: ReturnType<typeof field>; confirm: ReturnType<typeof field>; rules: HTMLElement } {
  const pin = field(ids[0], labels[0], pinAttrs());
  const confirm = field(ids[1], labels[1], pinAttrs());
  const rules = h('div', { class: 'rules' });
  let seq = 0;
  const run = async () => {
    const mine = ++seq;
    try {
      const c: PinCheck = await commands.checkPin(pin.input.value, confirm.input.value);
      if (mine !== seq || !ctx.alive()) return;
      showCheck(pin, c.pin);
      showCheck(confirm, c.confirm);
      fill(rules, h('h2', null, t('pin_rules_title')), h('ul', null, c.rules.map((r) => h('li', null, r))));
      onReady(c.ready);
    } catch (err) {
      ctx.error(err);
    }
  };
  const changed = debounce(() => void run(), 100);
  ctx.onLeave(() => changed.cancel());
  for (const f of [pin, confirm]) f.input.addEventListener('input', changed);
  void run();
  return { pin, confirm, rules };
}

export function activateScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('activate_title'));
  const code = field(
    'activation-code',
    t('activation_code_label'),
    { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'next', class: 'code' },
    t('activation_code_hint'),
  );
  let pinReady = false;
  const submit = button(t('activate'), { type: 'submit', class: 'primary', 'data-testid': 'activate', disabled: true }, 'key');
  const update = () => {
    submit.disabled = !(pinReady && code.input.value.trim() !== '');
  };
  const pins = pinPair(ctx, ['pin', 'pin-confirm'], [t('new_pin_label'), t('pin_confirm_label')], (ready) => {
    pinReady = ready;
    update();
  });
  code.input.addEventListener('input', update);
  code.input.value = session.takeLinkCode() ?? '';
  const form = h('form', { novalidate: true, class: 'form' }, code.wrap, pins.pin.wrap, pins.confirm.wrap, pins.rules, h('div', { class: 'actions' }, submit));
  ctx.root.append(h('p', { class: 'lead' }, t('activate_lead')), form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => commands.activate(code.input.value, pins.pin.input.value), t('busy'))
      .then((view) => {
        session.status = null;
        intents.unlocked(view);
        intents.notify(t('activated'));
      })
      .catch((err) => ctx.error(err));
  });
}

