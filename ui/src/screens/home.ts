// 7. Home with the menu.
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
