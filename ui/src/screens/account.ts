// 12–13: Ubah PIN and Lepas Perangkat.
import * as commands from '../generated/commands';
import type { Ctx } from '../screen';
import { busy, h } from '../dom';
import { t } from '../i18n';
import { icon } from '../icons';
import { banner, button, field, pinAttrs } from '../ui';
import { pinPair } from './onboarding';

export function changePinScreen(ctx: Ctx): void {
  ctx.title(t('change_pin_title'));
  const old = field('old-pin', t('old_pin_label'), pinAttrs());
  let pinReady = false;
  const submit = button(t('change_pin'), { type: 'submit', class: 'primary', 'data-testid': 'change-pin', disabled: true }, 'key');
  const update = () => {
    submit.disabled = !(pinReady && old.input.value !== '');
  };
  const pins = pinPair(ctx, ['new-pin', 'new-pin-confirm'], [t('new_pin_label'), t('new_pin_confirm_label')], (ready) => {
    pinReady = ready;
    update();
  });
  old.input.addEventListener('input', update);
  const form = h('form', { novalidate: true, class: 'form' }, old.wrap, pins.pin.wrap, pins.confirm.wrap, pins.rules, h('div', { class: 'actions' }, submit));
  ctx.root.append(form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => commands.changePin(old.input.value, pins.pin.input.value), t('busy'))
      .then(() => {
        if (!ctx.alive()) return;
        for (const f of [old, pins.pin, pins.confirm]) f.input.value = '';
        pins.pin.input.dispatchEvent(new Event('input'));
        update();
        ctx.intents.notify(t('pin_changed'));
      })
      .catch((err) => ctx.error(err));
  });
}

export function releaseScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('release_title'));
  const pin = field('release-pin', t('release_pin_label'), pinAttrs());
  const release = button(t('release'), { type: 'submit', class: 'danger', 'data-testid': 'release', disabled: true }, 'unlink');
  pin.input.addEventListener('input', () => {
    release.disabled = pin.input.value === '';
  });
  const confirm = button(t('release_confirm'), { class: 'danger', 'data-testid': 'release-confirm' });
  const cancel = button(t('cancel'), { class: 'secondary', 'data-testid': 'release-cancel' });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'release-dialog-title', class: 'dialog' },
    h('h2', { id: 'release-dialog-title' }, t('release_dialog_title')),
    h('p', null, t('release_dialog_text')),
    h('div', { class: 'actions' }, confirm, cancel),
  );
  const form = h('form', { novalidate: true, class: 'form' }, pin.wrap, h('div', { class: 'actions' }, release));
  ctx.root.append(
    banner('warn', h('p', null, t('release_explain_1')), h('p', null, t('release_explain_2'))),
    h('ul', { class: 'icon-list' }, h('li', null, icon('phone'), h('span', null, t('release_explain_3')))),
    form,
    dialog,
  );
  ctx.onLeave(() => {
    if (dialog.open) dialog.close();
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (release.disabled) return;
    ctx.clearError();
    dialog.showModal();
    cancel.focus();
  });
  cancel.addEventListener('click', () => dialog.close());
  confirm.addEventListener('click', () => {
    busy(confirm, () => commands.releaseDevice(pin.input.value), t('busy'))
      .then((info) => {
        dialog.close();
        session.released(info);
        intents.restart('welcome');
        intents.notify(t('released'));
      })
      .catch((err) => {
        dialog.close();
        ctx.error(err);
        pin.input.focus();
      });
  });
}

