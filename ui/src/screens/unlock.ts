// 6. PIN unlock: every time the app opens and every time it comes back from the background.
import * as commands from '../generated/commands';
import { toUiError } from '../ipc';
import type { Ctx } from '../screen';
import { busy, fill, h } from '../dom';
import { formatCountdown, secondsLeft } from '../format';
import { t } from '../i18n';
import { icon } from '../icons';
import { button, field, pinAttrs } from '../ui';

export function unlockScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('unlock_title'));
  const pin = field('unlock-pin', t('unlock_pin_label'), pinAttrs());
  const submit = button(t('unlock'), { type: 'submit', class: 'primary', 'data-testid': 'unlock' }, 'key');
  const countdown = h('p', { class: 'countdown', 'data-testid': 'pin-countdown', hidden: true });
  const form = h('form', { novalidate: true, class: 'form' }, pin.wrap, countdown, h('div', { class: 'actions' }, submit));
  const recover = button(t('to_recover'), { class: 'secondary', 'data-testid': 'to-recover', onclick: () => intents.go('recover') }, 'phone');
  ctx.root.append(
    h('div', { class: 'lock-icon' }, icon('key', 'big-icon')),
    h('p', { class: 'lead' }, t('unlock_lead')),
    form,
    h('div', { class: 'actions' }, recover),
  );

  let timer: ReturnType<typeof setInterval> | undefined;
  ctx.onLeave(() => clearInterval(timer));

  const setLocked = (locked: boolean) => {
    pin.input.disabled = locked;
    submit.disabled = locked;
    countdown.hidden = !locked;
  };

  // A lockout survives leaving and coming back to this screen.
  const tickLock = () => {
    const left = secondsLeft(0, performance.now() - session.pinLockedUntil);
    if (left <= 0) {
      clearInterval(timer);
      timer = undefined;
      session.pinLockedUntil = 0;
      setLocked(false);
      ctx.clearError();
      intents.notify(t('unlock_again'));
      pin.input.value = '';
      pin.input.focus();
      return;
    }
    fill(countdown, icon('clock'), h('span', null, t('pin_locked_countdown', { time: formatCountdown(left) })));
  };
  const startLock = (secs: number) => {
    session.pinLockedUntil = performance.now() + secs * 1000;
    setLocked(true);
    clearInterval(timer);
    tickLock();
    timer = setInterval(tickLock, 1000);
  };
  if (session.pinLockedUntil > performance.now()) startLock((session.pinLockedUntil - performance.now()) / 1000);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => commands.unlock(pin.input.value), t('busy'))
      .then((view) => intents.unlocked(view))
      .catch((err) => {
        const e = toUiError(err);
        ctx.error(e);
        if (e.retry_after_secs && e.retry_after_secs > 0) startLock(e.retry_after_secs);
        else pin.input.select();
      });
  });
}
