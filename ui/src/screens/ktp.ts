// 8. KTP Digital: the card, the profile chooser and the rotating QR.
import * as commands from '../generated/commands';
import type { Ctx } from '../screen';
import { fill, h, svgFromMarkup } from '../dom';
import { formatCountdown, secondsLeft } from '../format';
import type { CardView, ProfileOption, QrView } from '../generated/types';
import { t } from '../i18n';
import { icon } from '../icons';
import { banner, button, loadingLine } from '../ui';

const DEFAULT_PROFILE = 'basic';

export function ktpScreen(ctx: Ctx): void {
  ctx.title(t('ktp_title'));
  const cardBox = h('section', { class: 'id-card', 'aria-label': t('ktp_title') }, loadingLine(t('loading')));
  const chooser = h('fieldset', { class: 'profiles' });
  const qrBox = h('div', { class: 'qr', 'data-testid': 'qr', 'data-text': '' }, loadingLine(t('loading')));
  const countdown = h('p', { class: 'countdown', 'data-testid': 'qr-countdown' });
  const qrText = h('code', { class: 'qr-text', 'data-testid': 'qr-text' });
  const stale = h('div', { class: 'stale' });
  const again = button(t('qr_new'), { class: 'secondary', 'data-testid': 'qr-new', hidden: true, onclick: () => void make() }, 'refresh');
  ctx.root.append(
    cardBox,
    stale,
    chooser,
    h(
      'figure',
      { class: 'qr-figure' },
      qrBox,
      countdown,
      again,
      h('p', { class: 'hint' }, icon('sun'), h('span', null, t('brightness_hint'))),
      h('p', { class: 'hint' }, t('qr_auto')),
      h('details', null, h('summary', null, t('qr_text_summary')), qrText),
    ),
  );

  let profile = DEFAULT_PROFILE;
  let qr: QrView | null = null;
  let card: CardView | null = null;
  let receivedAt = 0;
  let inFlight = false;
  let seq = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  ctx.onLeave(() => clearInterval(timer));

  function renderStale(): void {
    const isStale = (qr?.stale ?? false) || (card?.stale ?? false);
    fill(stale, isStale ? banner('warn', h('p', { 'data-testid': 'qr-stale' }, card?.notice ?? t('qr_stale'))) : null);
  }

  function tick(): void {
    if (!qr) return;
    const elapsed = performance.now() - receivedAt;
    const left = secondsLeft(qr.valid_secs, elapsed);
    const expired = left <= 0;
    qrBox.classList.toggle('expired', expired);
    again.hidden = !expired;
    countdown.dataset.secondsLeft = String(left);
    fill(countdown, icon('clock'), h('span', null, expired ? t('qr_expired') : t('qr_valid_for', { time: formatCountdown(left) })));
    if (!inFlight && elapsed >= qr.refresh_after_secs * 1000 && !expired) void make();
  }

  async function make(): Promise<void> {
    const mine = ++seq;
    inFlight = true;
    qrBox.setAttribute('aria-busy', 'true');
    try {
      const view = await commands.present(profile);
      if (mine !== seq || !ctx.alive()) return;
      qr = view;
      receivedAt = performance.now();
      const svg = svgFromMarkup(view.svg, t('qr_alt'));
      qrBox.dataset.text = view.text;
      qrBox.dataset.profile = view.profile;
      fill(qrBox, svg);
      qrText.textContent = view.text;
      ctx.clearError();
      renderStale();
      tick();
      clearInterval(timer);
      timer = setInterval(tick, 1000);
    } catch (err) {
      if (mine !== seq || !ctx.alive()) return;
      ctx.error(err);
      if (!qr) {
        fill(qrBox);
        again.hidden = false;
      }
    } finally {
      if (mine === seq) {
        inFlight = false;
        qrBox.removeAttribute('aria-busy');
      }
    }
  }

  function renderChooser(options: ProfileOption[]): void {
    if (!options.some((o) => o.id === profile) && options[0]) profile = options[0].id;
    fill(
      chooser,
      h('legend', null, t('profile_legend')),
      options.map((o) =>
        h(
          'label',
          { class: 'choice' },
          h('input', {
            type: 'radio',
            name: 'profile',
            value: o.id,
            'data-testid': `profile-${o.id}`,
            checked: o.id === profile,
            onchange: () => {
              profile = o.id;
              qr = null;
              void make();
            },
          }),
          h('span', null, o.label),
        ),
      ),
    );
  }

  commands
    .profiles()
    .then((options) => {
      if (!ctx.alive()) return;
      renderChooser(options);
      void make();
    })
    .catch((err) => ctx.error(err));
  commands
    .card()
    .then((c) => {
      if (!ctx.alive()) return;
      card = c;
      fill(
        cardBox,
        h('p', { class: 'card-name', 'data-testid': 'card-name' }, c.name),
        h('p', { class: 'card-nik' }, h('span', { class: 'card-label' }, 'NIK'), h('span', { 'data-testid': 'card-nik' }, c.nik)),
      );
      renderStale();
    })
    .catch((err) => {
      fill(cardBox);
      ctx.error(err);
    });
}
