import { afterEach, describe, expect, it } from 'vitest';
import { currentLang, dictionaries, setLanguage, t, tAny } from './i18n';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  afterEach(() => setLanguage('id'));

  it('has every key in both languages, none empty', () => {
    const idKeys = Object.keys(dictionaries.id).sort();
    const enKeys = Object.keys(dictionaries.en).sort();
    expect(enKeys).toEqual(idKeys);
    for (const lang of ['id', 'en'] as const) {
      for (const [key, text] of Object.entries(dictionaries[lang])) {
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
      }
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(dictionaries.id) as (keyof typeof dictionaries.id)[]) {
      expect(placeholders(dictionaries.en[key]), key).toEqual(placeholders(dictionaries.id[key]));
    }
  });

  it('defaults to Bahasa Indonesia and switches to English', () => {
    expect(currentLang()).toBe('id');
    expect(t('start')).toBe('Mulai');
    setLanguage('en');
    expect(t('start')).toBe('Start');
    setLanguage('xx');
    expect(currentLang()).toBe('id');
  });

  it('fills placeholders', () => {
    expect(t('liveness_progress', { n: 2, total: 4 })).toBe('2 dari 4 gerakan selesai');
    setLanguage('en');
    expect(t('pin_locked_countdown', { time: '4:59' })).toBe('Try again in 4:59');
  });

  it('looks up run-time keys with a fallback', () => {
    expect(tAny('step_done', 'done')).toBe('Selesai');
    expect(tAny('kind_whatsapp', 'whatsapp')).toBe('WhatsApp');
    expect(tAny('kind_pigeon', 'pigeon')).toBe('pigeon');
    expect(tAny('toString', 'x')).toBe('x');
  });

  it('has the step states and channel kinds Rust sends', () => {
    for (const s of ['done', 'current', 'todo', 'failed']) expect(tAny(`step_${s}`, '')).not.toBe('');
    const kinds = ['in_person', 'phone', 'fax', 'sms', 'whatsapp', 'email', 'website', 'instagram', 'facebook', 'twitter', 'lapor', 'complaint_box', 'other'];
    for (const k of kinds) expect(tAny(`kind_${k}`, '')).not.toBe('');
  });
});
