// Inline SVG icons (24×24, stroke), decorative: the text next to them says the same.
import type { ChannelKind } from './generated/types';

const P: Record<string, string> = {
  back: '<path d="M15 5l-7 7 7 7"/>',
  left: '<path d="M20 12H5M11 5l-7 7 7 7"/>',
  right: '<path d="M4 12h15M13 5l7 7-7 7"/>',
  closer: '<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/><path d="M9 12h6M12 9v6"/>',
  farther: '<path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5"/><path d="M9 12h6"/>',
  centre: '<circle cx="12" cy="12" r="4"/><path d="M12 2v4M12 18v4M2 12h4M18 12h4"/>',
  face: '<circle cx="12" cy="12" r="9"/><path d="M9 10h.01M15 10h.01M8.5 15c2 2 5 2 7 0"/>',
  check: '<path d="M4 12l5 5L20 6"/>',
  dot: '<circle cx="12" cy="12" r="8"/><circle cx="12" cy="12" r="3" fill="currentColor"/>',
  todo: '<circle cx="12" cy="12" r="8" stroke-dasharray="3 3"/>',
  cross: '<path d="M6 6l12 12M18 6L6 18"/>',
  card: '<rect x="3" y="5" width="18" height="14" rx="2"/><circle cx="9" cy="11" r="2"/><path d="M6 16c1-2 5-2 6 0M14 10h4M14 14h4"/>',
  qr: '<path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4z"/><path d="M14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2"/>',
  user: '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4 4-6 8-6s7 2 8 6"/>',
  users: '<circle cx="9" cy="8" r="3.5"/><path d="M2 20c.8-3.5 3.3-5 7-5s6.2 1.5 7 5"/><path d="M16 4.5a3.5 3.5 0 010 7M18 15c2 .6 3.3 2.2 4 5"/>',
  clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 3"/>',
  key: '<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M17 6l3 3M14 9l2 2"/>',
  unlink: '<rect x="7" y="2" width="10" height="20" rx="2"/><path d="M11 18h2M3 8l4 4-4 4M21 8l-4 4 4 4"/>',
  help: '<path d="M4 14v-2a8 8 0 0116 0v2"/><rect x="3" y="14" width="4" height="6" rx="1"/><rect x="17" y="14" width="4" height="6" rx="1"/>',
  globe: '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>',
  mail: '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>',
  phone: '<path d="M5 4h4l2 5-2.5 1.5a11 11 0 005 5L15 13l5 2v4a2 2 0 01-2 2A16 16 0 013 6a2 2 0 012-2z"/>',
  chat: '<path d="M4 20l1.5-4A8 8 0 1112 20a8 8 0 01-3.5-.8z"/>',
  sms: '<rect x="3" y="4" width="18" height="13" rx="2"/><path d="M8 21l4-4M7 9h10M7 12h6"/>',
  pin: '<path d="M12 21s7-6 7-12a7 7 0 00-14 0c0 6 7 12 7 12z"/><circle cx="12" cy="9" r="2.5"/>',
  box: '<path d="M4 8h16v12H4zM4 8l2-4h12l2 4M10 12h4"/>',
  camera: '<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/>',
  sun: '<circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M2 12h2M20 12h2M5 5l1.5 1.5M17.5 17.5L19 19M5 19l1.5-1.5M17.5 6.5L19 5"/>',
  alert: '<path d="M12 3l10 18H2z"/><path d="M12 10v5M12 18h.01"/>',
  info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7h.01"/>',
  refresh: '<path d="M20 11a8 8 0 10-2 6M20 4v7h-7"/>',
  link: '<path d="M10 14a4 4 0 006 0l3-3a4 4 0 00-6-6l-1 1M14 10a4 4 0 00-6 0l-3 3a4 4 0 006 6l1-1"/>',
};

export type IconName = keyof typeof P;

/** An icon element, hidden from assistive technology. */
export function icon(name: IconName, cls = 'icon'): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.innerHTML = P[name] ?? P.info;
  return svg;
}

/** The icon for an office channel kind. */
export function channelIcon(kind: ChannelKind): IconName {
  switch (kind) {
    case 'phone':
    case 'fax':
      return 'phone';
    case 'whatsapp':
      return 'chat';
    case 'sms':
    case 'lapor':
      return 'sms';
    case 'email':
      return 'mail';
    case 'website':
    case 'instagram':
    case 'facebook':
    case 'twitter':
      return 'globe';
    case 'in_person':
      return 'pin';
    case 'complaint_box':
      return 'box';
    default:
      return 'link';
  }
}
