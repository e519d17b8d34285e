// Device change or forgotten PIN: NIK + email → a new selfie (liveness.ts) → the emailed code →
// the server's waiting period (polled; the old phone, the mailed link or an office may cancel it,
// an office may speed it up) → a new PIN. Only then does this phone hold the account.
import * as commands from '../generated/commands';
import type { RecoveryView } from '../generated/types';
import type { Ctx } from '../screen';
import { busy, debounce, h } from '../dom';
import { t } from '../i18n';
import { banner, button, field, showCheck } from '../ui';
import { pinPair } from './onboarding';

export function recoverScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('recover_title'));
  const nik = field(
    'recover-nik',
    t('nik_label'),
    { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'next' },
    t('nik_hint'),
  );
  const email = field(
    'recover-email',
    t('email_label'),
    { type: 'email', inputmode: 'email', autocomplete: 'email', autocapitalize: 'off', spellcheck: 'false', enterkeyhint: 'go' },
    t('recover_email_hint'),
  );
  nik.input.value = session.recoveryForm.nik;
  email.input.value = session.recoveryForm.email;
  const submit = button(t('recover_submit'), { type: 'submit', class: 'primary', 'data-testid': 'recover-start', disabled: true }, 'camera');
  const form = h('form', { novalidate: true, class: 'form' }, nik.wrap, email.wrap, h('div', { class: 'actions' }, submit));
  ctx.root.append(
    h('p', { class: 'lead' }, t('recover_lead')),
    h('ol', { class: 'how' }, h('li', null, t('recover_how_1')), h('li', null, t('how_2')), h('li', null, t('recover_how_3'))),
    banner('info', h('p', null, t('recover_old_device'))),
    form,
  );

  const values = () => ({ nik: nik.input.value, email: email.input.value });
  // The same live checks as the registration form (Rust's rules), without the phone.
  let seq = 0;
  const check = async () => {
    const mine = ++seq;
    const v = values();
    try {
      const c = await commands.checkRegistration(v.nik, v.email, '');
      if (mine !== seq || !ctx.alive()) return;
      showCheck(nik, c.nik.field);
      showCheck(email, c.email);
      submit.disabled = !(c.nik.field.ok && c.email.ok);
    } catch (err) {
      ctx.error(err);
    }
  };
  const changed = debounce(() => void check(), 100);
  ctx.onLeave(() => changed.cancel());
  form.addEventListener('input', () => {
    session.recoveryForm = values();
    changed();
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    changed.cancel();
    const v = values();
    session.recoveryForm = v;
    ctx.clearError();
    busy(submit, () => commands.recoveryStart(v.nik, v.email), t('busy'))
      .then((challenge) => {
        session.liveness = { purpose: 'recover', session: challenge };
        intents.go('liveness');
      })
      .catch((err) => ctx.error(err));
  });

  void check();
}

export function recoverConfirmScreen(ctx: Ctx): void {
  const { session } = ctx;
  ctx.title(t('recover_confirm_title'));
  if (session.recovery?.waiting) waitingPart(ctx);
  else codePart(ctx);
}

/** The emailed code: confirming it starts the server's waiting period. */
function codePart(ctx: Ctx): void {
  const { intents, session } = ctx;
  const sent = session.recovery
    ? t('recover_code_sent', { email: session.recovery.email_hint, n: session.recovery.expires_in_minutes })
    : t('recover_code_sent_generic');
  const code = field(
    'recovery-code',
    t('recover_code_label'),
    { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'go', class: 'code' },
    t('activation_code_hint'),
  );
  const submit = button(t('recover_confirm'), { type: 'submit', class: 'primary', 'data-testid': 'recover-confirm', disabled: true }, 'key');
  const update = () => {
    submit.disabled = code.input.value.trim() === '';
  };
  code.input.addEventListener('input', update);
  code.input.value = session.takeLinkCode() ?? '';
  update();
  const restart = button(t('recover_restart'), { class: 'secondary', 'data-testid': 'recover-restart', onclick: () => intents.go('recover') }, 'refresh');
  const form = h('form', { novalidate: true, class: 'form' }, code.wrap, h('div', { class: 'actions' }, submit));
  const sentLine = h('p', { 'data-testid': 'recovery-sent' }, sent);
  ctx.root.append(banner('info', sentLine, h('p', null, t('recover_signed_out'))), form, h('div', { class: 'actions' }, restart));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => commands.recoveryConfirm(code.input.value), t('busy'))
      .then((view) => {
        if (!ctx.alive()) return;
        session.recovery = view;
        ctx.root.replaceChildren();
        waitingPart(ctx);
      })
      .catch((err) => ctx.error(err));
  });
}

/** How often the waiting screen asks the server, when online. */
const POLL_MS = 30_000;

/** The waiting period: when it ends, who can cancel or speed it up; then the new PIN. */
function waitingPart(ctx: Ctx): void {
  const { intents, session } = ctx;
  const status = h('div', { 'data-testid': 'recover-waiting' });
  const pinArea = h('div');
  const restart = button(t('recover_restart'), { class: 'secondary', 'data-testid': 'recover-restart', onclick: () => intents.go('recover') }, 'refresh');
  ctx.root.append(status, pinArea, h('div', { class: 'actions' }, restart));
  let shownState = '';
  const show = (view: RecoveryView) => {
    session.recovery = view;
    const w = view.waiting;
    if (!w || w.state === shownState) return;
    shownState = w.state;
    status.replaceChildren(
      w.state === 'cancelled'
        ? banner('warn', h('p', { 'data-testid': 'recover-cancelled' }, t('recover_cancelled')))
        : w.state === 'ready'
          ? banner('info', h('p', { 'data-testid': 'recover-ready' }, t('recover_ready')))
          : banner(
              'info',
              h('p', { 'data-testid': 'recover-wait-until' }, t('recover_waiting', { at: w.completes_at, h: w.hours_left })),
              h('p', null, t('recover_waiting_why')),
            ),
    );
    pinArea.replaceChildren();
    if (w.state === 'ready') pinArea.append(pinForm(ctx));
  };
  const poll = () => {
    if (!navigator.onLine) return;
    commands
      .recoveryPoll()
      .then((view) => {
        if (ctx.alive()) show(view);
      })
      .catch((err) => {
        if (ctx.alive()) ctx.error(err);
      });
  };
  if (session.recovery) show(session.recovery);
  poll();
  const timer = window.setInterval(poll, POLL_MS);
  ctx.onLeave(() => window.clearInterval(timer));
}

/** The new PIN, once the wait is over. */
function pinForm(ctx: Ctx): HTMLElement {
  const { intents, session } = ctx;
  let pinReady = false;
  const submit = button(t('recover_complete'), { type: 'submit', class: 'primary', 'data-testid': 'recover-complete', disabled: true }, 'key');
  const pins = pinPair(ctx, ['recovery-pin', 'recovery-pin-confirm'], [t('new_pin_label'), t('pin_confirm_label')], (ready) => {
    pinReady = ready;
    submit.disabled = !pinReady;
  });
  const form = h('form', { novalidate: true, class: 'form' }, pins.pin.wrap, pins.confirm.wrap, pins.rules, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => commands.recoveryComplete(pins.pin.input.value), t('busy'))
      .then((view) => {
        session.recovery = null;
        session.status = null;
        intents.unlocked(view);
        intents.notify(t('recovered'));
      })
      .catch((err) => ctx.error(err));
  });
  return form;
}
