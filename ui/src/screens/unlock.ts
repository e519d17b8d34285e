// 6. PIN unlock: every time the app opens and every time it comes back from the background.
import * as api from '../api';
import type { Ctx } from '../app';
import { busy, fill, h } from '../dom';
import { formatCountdown, secondsLeft } from '../format';
import { t } from '../i18n';
import { icon } from '../icons';
import { button, field, pinAttrs } from '../ui';

export function unlockScreen(ctx: Ctx): void {
  const { app } = ctx;
  ctx.title(t('unlock_title'));
  const pin = field('unlock-pin', t('unlock_pin_label'), pinAttrs());
  const submit = button(t('unlock'), { type: 'submit', class: 'primary', 'data-testid': 'unlock' }, 'key');
  const countdown = h('p', { class: 'countdown', 'data-testid': 'pin-countdown', hidden: true });
  const form = h('form', { novalidate: true, class: 'form' }, pin.wrap, countdown, h('div', { class: 'actions' }, submit));
  const recover = button(t('to_recover'), { class: 'secondary', 'data-testid': 'to-recover', onclick: () => app.router.push('recover') }, 'phone');
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
    const left = secondsLeft(0, performance.now() - app.pinLockedUntil);
    if (left <= 0) {
      clearInterval(timer);
      timer = undefined;
      app.pinLockedUntil = 0;
      setLocked(false);
      ctx.clearError();
      ctx.notify(t('unlock_again'));
      pin.input.value = '';
      pin.input.focus();
      return;
    }
    fill(countdown, icon('clock'), h('span', null, t('pin_locked_countdown', { time: formatCountdown(left) })));
  };
  const startLock = (secs: number) => {
    app.pinLockedUntil = performance.now() + secs * 1000;
    setLocked(true);
    clearInterval(timer);
    tickLock();
    timer = setInterval(tickLock, 1000);
  };
  if (app.pinLockedUntil > performance.now()) startLock((app.pinLockedUntil - performance.now()) / 1000);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    ctx.clearError();
    busy(submit, () => api.unlock(pin.input.value), t('busy'))
      .then((view) => app.unlocked(view))
      .catch((err) => {
        const e = api.toUiError(err);
        ctx.error(e);
        if (e.retry_after_secs && e.retry_after_secs > 0) startLock(e.retry_after_secs);
        else pin.input.select();
      });
  });
}
