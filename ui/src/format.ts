// Display formatting only (no rule lives here).

/** `m:ss` (or `h:mm:ss`) for a number of seconds; negatives count as zero. */
export function formatCountdown(totalSecs: number): string {
  const secs = Math.max(0, Math.ceil(totalSecs));
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Seconds left of `total`, `elapsedMs` after it started, rounded up. */
export function secondsLeft(total: number, elapsedMs: number): number {
  return Math.max(0, Math.ceil(total - elapsedMs / 1000));
}

const locale = (lang: string): string => (lang === 'en' ? 'en-GB' : 'id-ID');

/** An RFC 3339 instant in the device's local time. */
export function formatDateTime(rfc3339: string, lang: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A calendar date `YYYY-MM-DD` as words (no time zone shift). */
export function formatDate(ymd: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}
