// Device change or forgotten PIN: NIK + email → a new selfie (liveness.ts) → the emailed code and
// a new PIN. The old device is signed out by the server; this phone holds the account afterwards.
import * as commands from '../generated/commands';
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
  const { intents, session } = ctx;
  ctx.title(t('recover_confirm_title'));
  const sent = session.recovery
    ? t('recover_code_sent', { email: session.recovery.email_hint, n: session.recovery.expires_in_minutes })
    : t('recover_code_sent_generic');
  const code = field(
    'recovery-code',
    t('recover_code_label'),
    { type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'next', class: 'code' },
    t('activation_code_hint'),
  );
  let pinReady = false;
  const submit = button(t('recover_confirm'), { type: 'submit', class: 'primary', 'data-testid': 'recover-confirm', disabled: true }, 'key');
  const update = () => {
    submit.disabled = !(pinReady && code.input.value.trim() !== '');
  };
  const pins = pinPair(ctx, ['recovery-pin', 'recovery-pin-confirm'], [t('new_pin_label'), t('pin_confirm_label')], (ready) => {
    pinReady = ready;
    update();
  });
  code.input.addEventListener('input', update);
  code.input.value = session.takeLinkCode() ?? '';
  const restart = button(t('recover_restart'), { class: 'secondary', 'data-testid': 'recover-restart', onclick: () => intents.go('recover') }, 'refresh');
  const form = h('form', { novalidate: true, class: 'form' }, code.wrap, pins.pin.wrap, pins.confirm.wrap, pins.rules, h('div', { class: 'actions' }, submit));
  const sentLine = h('p', { 'data-testid': 'recovery-sent' }, sent);
  ctx.root.append(
    banner('info', sentLine, h('p', null, t('recover_signed_out'))),
    form,
    h('div', { class: 'actions' }, restart),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => commands.recoveryConfirm(code.input.value, pins.pin.input.value), t('busy'))
      .then((view) => {
        session.recovery = null;
        session.status = null;
        intents.unlocked(view);
        intents.notify(t('recovered'));
      })
      .catch((err) => ctx.error(err));
  });
}
