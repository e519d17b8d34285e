// 7. Home with the menu.
import * as commands from '../generated/commands';
import type { Ctx } from '../screen';
import { busy, h } from '../dom';
import { t, type Key } from '../i18n';
import type { IconName } from '../icons';
import type { ScreenName } from '../router';
import { bannerWithActions, button } from '../ui';

const MENU: [string, ScreenName, IconName, Key][] = [
  ['menu-ktp', 'ktp', 'qr', 'menu_ktp'],
  ['menu-biodata', 'biodata', 'card', 'menu_biodata'],
  ['menu-family', 'family', 'users', 'menu_family'],
  ['menu-activity', 'activity', 'clock', 'menu_activity'],
  ['menu-change-pin', 'change-pin', 'key', 'menu_change_pin'],
  ['menu-release', 'release', 'unlink', 'menu_release'],
  ['menu-service', 'service', 'help', 'menu_service'],
];

export function homeScreen(ctx: Ctx): void {
  const { intents, session } = ctx;
  ctx.title(t('home_title'));
  const view = session.unlockView;
  if (view?.stale) {
    const again = button(t('reconnect'), { class: 'secondary', 'data-testid': 'reconnect' }, 'refresh');
    again.addEventListener('click', () => {
      ctx.clearError();
      busy(again, () => intents.reconnect(), t('busy'))
        .then((v) => {
          if (!ctx.alive() && intents.current() !== 'home') return;
          if (v && !v.stale) intents.notify(t('reconnected'));
          else if (v) intents.fail({ code: 'offline', message: v.notice ?? t('still_offline') });
        })
        .catch((err) => intents.fail(err));
    });
    ctx.root.append(bannerWithActions('warn', [h('p', { 'data-testid': 'stale-notice' }, view.notice ?? t('stale_generic'))], [again]));
  }
  deviceChangeBanner(ctx);
  ctx.root.append(
    h(
      'nav',
      { 'aria-label': t('menu_label') },
      h(
        'ul',
        { class: 'menu' },
        MENU.map(([testid, screen, iconName, key]) =>
          h('li', null, button(t(key), { class: 'menu-item', 'data-testid': testid, onclick: () => intents.go(screen) }, iconName)),
        ),
      ),
    ),
  );
}

/** A device change waiting on this phone's account: when it happens, and the one-tap cancel. */
function deviceChangeBanner(ctx: Ctx): void {
  const { intents } = ctx;
  const slot = h('div', { 'data-testid': 'device-change-slot' });
  ctx.root.append(slot);
  commands
    .deviceChangeNotice()
    .then((notice) => {
      if (!notice || !ctx.alive()) return;
      const cancel = button(t('device_change_cancel'), { class: 'danger', 'data-testid': 'device-change-cancel' }, 'cross');
      cancel.addEventListener('click', () => {
        ctx.clearError();
        busy(cancel, () => commands.deviceChangeCancel(), t('busy'))
          .then(() => {
            slot.replaceChildren();
            intents.notify(t('device_change_cancelled'));
          })
          .catch((err) => ctx.error(err));
      });
      slot.replaceChildren(
        bannerWithActions('warn', [h('p', { 'data-testid': 'device-change-notice' }, t('device_change_banner', { at: notice.completes_at, h: notice.hours_left }))], [cancel]),
      );
    })
    .catch(() => {
      // Offline or locked: the banner shows on the next contact.
    });
}
