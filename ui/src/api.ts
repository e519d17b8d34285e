// Every Tauri command the UI calls, one typed function each. The Rust side decides everything;
// these only carry arguments (camelCase) and results. Every rejection is a `UiError` whose message
// is already in the resident's language.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { openUrl } from '@tauri-apps/plugin-opener';
import type {
  ActivityView,
  AppInfo,
  CardView,
  Draft,
  FamilyView,
  LinkView,
  LivenessProgress,
  LivenessResult,
  LivenessSession,
  OfficeView,
  PinCheck,
  ProfileOption,
  QrView,
  RegistrationCheck,
  RegistrationStatus,
  UiError,
  UnlockView,
} from './generated/types';

export type { UiError };

/** Whether `value` has the shape of a `UiError`. */
export function isUiError(value: unknown): value is UiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as UiError).code === 'string' &&
    typeof (value as UiError).message === 'string'
  );
}

/** Any rejection as a `UiError` (an IPC failure that is not one keeps its text). */
export function toUiError(value: unknown): UiError {
  if (isUiError(value)) return value;
  const message =
    typeof value === 'string' ? value : value instanceof Error ? value.message : String(value);
  return { code: 'ipc', message };
}

async function call<T>(cmd: string, args?: Record<string, unknown> | Uint8Array, headers?: Record<string, string>): Promise<T> {
  try {
    return await (headers ? invoke<T>(cmd, args, { headers }) : invoke<T>(cmd, args));
  } catch (err) {
    throw toUiError(err);
  }
}

export const appInfo = (): Promise<AppInfo> => call('app_info');
export const setLang = (lang: 'id' | 'en'): Promise<AppInfo> => call('set_lang', { lang });
export const saveDraft = (draft: Draft): Promise<void> => call('save_draft', { draft });
export const checkRegistration = (nik: string, email: string, phone: string): Promise<RegistrationCheck> =>
  call('check_registration', { nik, email, phone });
export const checkPin = (pin: string, confirm: string): Promise<PinCheck> =>
  call('check_pin', { pin, confirm });
/** Checks the form, saves the draft and fetches a liveness challenge for the registration. */
export const livenessStart = (nik: string, email: string, phone: string): Promise<LivenessSession> =>
  call('liveness_start', { nik, email, phone });
/** A liveness challenge to move the account to this device (new phone or forgotten PIN). */
export const recoveryStart = (nik: string, email: string): Promise<LivenessSession> =>
  call('recovery_start', { nik, email });
/**
 * One camera frame for Rust to analyse: the RGBA pixels (`frame_width` × `frame_height` × 4, row
 * by row) as the raw IPC body, `ms` since the attempt's first frame in a header. An empty body
 * when the session's source is `test`.
 */
export const livenessFrame = (rgba: Uint8Array, ms: number): Promise<LivenessProgress> =>
  call('liveness_frame', rgba, { 'x-ikd-frame-ms': String(Math.max(0, Math.round(ms))) });
/** Sends the attempt's evidence (the registration, or the device change). */
export const livenessFinish = (): Promise<LivenessResult> => call('liveness_finish');
/** Forgets the attempt (the capture screen is left without finishing). */
export const livenessCancel = (): Promise<void> => call('liveness_cancel');
/** The emailed code and the new PIN: the account is on this device now, unlocked. */
export const recoveryConfirm = (code: string, pin: string): Promise<UnlockView> => call('recovery_confirm', { code, pin });
export const registrationStatus = (): Promise<RegistrationStatus> => call('registration_status');
export const startOver = (): Promise<AppInfo> => call('start_over');
export const activate = (code: string, pin: string): Promise<UnlockView> => call('activate', { code, pin });
export const unlock = (pin: string): Promise<UnlockView> => call('unlock', { pin });
export const lock = (): Promise<void> => call('lock');
export const refresh = (): Promise<UnlockView> => call('refresh');
export const card = (): Promise<CardView> => call('card');
export const profiles = (): Promise<ProfileOption[]> => call('profiles');
export const present = (profile: string): Promise<QrView> => call('present', { profile });
export const changePin = (old: string, newPin: string): Promise<void> => call('change_pin', { old, new: newPin });
export const releaseDevice = (pin: string): Promise<AppInfo> => call('release_device', { pin });
export const family = (): Promise<FamilyView> => call('family');
export const activity = (): Promise<ActivityView[]> => call('activity');
export const office = (): Promise<OfficeView> => call('office');

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

/** The mail link the phone opened the app with, once (checked in Rust); null when none. */
export const takeLink = (): Promise<LinkView | null> => call('take_link');
/** Calls `handler` whenever a mail link opens the app while it runs (`ikd-link` event). */
export const onLink = (handler: () => void): Promise<() => void> => listen('ikd-link', handler);
