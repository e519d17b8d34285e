// Building blocks the screens share: labelled fields, buttons, banners.
import { h, type Attrs, type Child } from './dom';
import { icon, type IconName } from './icons';
import type { FieldCheck } from './generated/types';

export interface Field {
  wrap: HTMLElement;
  input: HTMLInputElement;
  error: HTMLElement;
  /** Extra lines under the field (what the NIK says). */
  below: HTMLElement;
}

/** A labelled input with a hint and an error line, both tied to it by aria-describedby. */
export function field(id: string, label: string, attrs: Attrs, hint?: string): Field {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = h('input', {
    id,
    name: id,
    'aria-describedby': [hint ? hintId : '', errorId].filter(Boolean).join(' '),
    ...attrs,
  });
  const error = h('p', { class: 'field-error', id: errorId });
  const below = h('div', { class: 'field-below' });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    input,
    error,
    below,
  );
  return { wrap, input, error, below };
}

/** Shows a check's error under the field (nothing while the field is empty). */
export function showCheck(f: Field, check: FieldCheck): void {
  const message = check.error?.message ?? '';
  f.error.replaceChildren(...(message ? [icon('alert'), document.createTextNode(message)] : []));
  if (check.error) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
  f.wrap.classList.toggle('ok', check.ok);
}

/** A PIN input (digits keyboard, masked, kept out of password managers). */
export function pinAttrs(): Attrs {
  return {
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'off',
    enterkeyhint: 'done',
    spellcheck: 'false',
    autocapitalize: 'off',
    class: 'pin',
  };
}

export function button(label: string, attrs: Attrs, iconName?: IconName): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs }, iconName ? icon(iconName) : null, h('span', null, label));
}

/** A banner (stale data, warnings): text, not colour only. */
export function banner(kind: 'info' | 'warn', ...children: Child[]): HTMLElement {
  return h('div', { class: `banner ${kind}` }, icon(kind === 'warn' ? 'alert' : 'info'), h('div', null, ...children));
}

/** A banner with buttons under the text, the full width of the banner. */
export function bannerWithActions(kind: 'info' | 'warn', text: Child[], actions: Child[]): HTMLElement {
  const b = banner(kind, ...text);
  b.append(h('div', { class: 'banner-actions' }, ...actions));
  return b;
}

/** A definition list from label/value pairs (empty values are left out). */
export function dl(rows: [string, Child][], attrs?: Attrs): HTMLDListElement {
  return h(
    'dl',
    attrs ?? null,
    rows
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
  );
}

/** A loading line for a section. */
export function loadingLine(text: string): HTMLElement {
  return h('p', { class: 'loading' }, h('span', { class: 'spinner' }), text);
}
