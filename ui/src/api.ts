// What the UI asks of the shell beyond a plain command call (those are generated, one typed
// function per command, in `generated/commands.ts`): a camera frame with its time header, the
// `ikd-link` event, and opening an office's link in the system's handler.
import { listen } from '@tauri-apps/api/event';
import { openUrl } from '@tauri-apps/plugin-opener';
import { livenessFrame } from './generated/commands';
import type { LivenessProgress } from './generated/types';
import { toUiError } from './ipc';

/**
 * One camera frame for Rust to analyse (`liveness_frame`): the RGBA pixels (`frame_width` ×
 * `frame_height` × 4, row by row) as the raw IPC body, `ms` since the attempt's first frame in
 * the `x-ikd-frame-ms` header. An empty body when the session's source is `test`.
 */
export const sendFrame = (rgba: Uint8Array, ms: number): Promise<LivenessProgress> =>
  livenessFrame(rgba, { 'x-ikd-frame-ms': String(Math.max(0, Math.round(ms))) });

/**
 * Opens `href` (an office channel: https, http, mailto, tel or sms) in the system's handler —
 * browser, dialer, mail or messaging app — never in the app's own webview. The capability
 * allows only those schemes.
 */
export async function openExternal(href: string): Promise<void> {
  try {
    await openUrl(href);
  } catch (err) {
    throw toUiError(err);
  }
}

/** Calls `handler` whenever a mail link opens the app while it runs (`ikd-link` event). */
export const onLink = (handler: () => void): Promise<() => void> => listen('ikd-link', handler);
