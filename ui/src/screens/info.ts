// 9–11 and 14: Biodata, Data Keluarga, Histori Aktivitas, Layanan & Pengaduan.
import * as api from '../api';
import * as commands from '../generated/commands';
import type { Ctx } from '../screen';
import { type Child, fill, h } from '../dom';
import { formatDate, formatDateTime } from '../format';
import { currentLang, t, tAny } from '../i18n';
import { channelIcon, icon } from '../icons';
import { banner, dl, loadingLine } from '../ui';

/** Loads `what` into the screen, with a loading line and the error in the alert region. */
function load<T>(ctx: Ctx, what: () => Promise<T>, draw: (value: T, into: HTMLElement) => void): void {
  const box = h('div', { class: 'content' }, loadingLine(t('loading')));
  ctx.root.append(box);
  what()
    .then((value) => {
      if (!ctx.alive()) return;
      fill(box);
      draw(value, box);
    })
    .catch((err) => {
      fill(box);
      ctx.error(err);
    });
}

export function biodataScreen(ctx: Ctx): void {
  ctx.title(t('biodata_title'));
  load(ctx, commands.card, (card, box) => {
    if (card.stale) box.append(banner('warn', h('p', null, card.notice ?? t('stale_generic'))));
    box.append(dl(card.fields.map((f) => [f.label, h('span', { 'data-key': f.key }, f.value)]), { class: 'biodata' }));
  });
}

export function familyScreen(ctx: Ctx): void {
  ctx.title(t('family_title'));
  load(ctx, commands.family, (fam, box) => {
    box.append(dl([[t('kk_label'), h('span', { 'data-testid': 'kk' }, fam.kk)]], { class: 'meta' }));
    if (fam.members.length === 0) {
      box.append(h('p', null, t('family_empty')));
      return;
    }
    box.append(
      h(
        'ul',
        { class: 'cards' },
        fam.members.map((m) =>
          h(
            'li',
            { class: 'card-item' },
            h('h2', null, m.name),
            dl([
              [t('fam_relationship'), m.relationship],
              [t('nik_sex'), m.sex],
              [t('nik_birth'), formatDate(m.birth_date, currentLang())],
              ['NIK', m.nik],
            ]),
          ),
        ),
      ),
    );
  });
}

export function activityScreen(ctx: Ctx): void {
  ctx.title(t('activity_title'));
  load(ctx, commands.activity, (items, box) => {
    if (items.length === 0) {
      box.append(h('p', null, t('activity_empty')));
      return;
    }
    box.append(
      h(
        'ol',
        { class: 'timeline' },
        items.map((a) =>
          h(
            'li',
            { 'data-kind': a.kind },
            h('time', { datetime: a.at }, formatDateTime(a.at, currentLang())),
            h('p', { class: 'title' }, a.title),
            a.detail ? h('p', { class: 'detail' }, a.detail) : null,
          ),
        ),
      ),
    );
  });
}

/** A link that opens `href` in the system's handler (browser, dialer, mail app), never in the app's own webview. */
function externalLink(ctx: Ctx, href: string, body: Child): HTMLAnchorElement {
  const open = (ev: Event): void => {
    ev.preventDefault();
    api.openExternal(href).catch((err) => ctx.error(err));
  };
  return h('a', { href, class: 'channel', onclick: open }, body);
}

export function serviceScreen(ctx: Ctx): void {
  ctx.title(t('service_title'));
  load(ctx, commands.office, (office, box) => {
    box.append(h('h2', { 'data-testid': 'office-name' }, office.name));
    if (office.national) box.append(banner('info', h('p', { 'data-testid': 'office-national' }, t('office_national'))));
    box.append(
      dl([
        [t('office_address'), office.address],
        [t('office_hours'), office.hours],
        [t('office_service_level'), office.service_level],
      ]),
      h('h2', null, t('office_channels')),
      h(
        'ul',
        { class: 'channels' },
        office.channels.map((c) => {
          const kind = tAny(`kind_${c.kind}`, c.kind);
          const body = [icon(channelIcon(c.kind)), h('span', null, h('span', { class: 'kind' }, kind), h('span', { class: 'label' }, c.label))];
          return h(
            'li',
            { 'data-kind': c.kind },
            c.href ? externalLink(ctx, c.href, body) : h('div', { class: 'channel' }, body),
          );
        }),
      ),
    );
  });
}
