// Generated from src-tauri/src/command_list.rs by src-tauri/tests/bindings.rs; do not edit
// (`IKD_REGENERATE_TYPES=1 cargo test -p ikd-app --test bindings`). One typed function per Tauri
// command: the arguments go as camelCase keys, the types are ts-rs's (`./types.ts`), and every
// rejection is a `UiError` whose message is in the resident's language (`../ipc.ts`).
import { call } from '../ipc';
import type {
  ActivityView,
  AppInfo,
  CardView,
  DeviceChangeNotice,
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
  RecoveryView,
  RegistrationCheck,
  RegistrationQrView,
  RegistrationStatus,
  UnlockView,
} from './types';

/** Where the resident is: stage, language, draft, registration. */
export const appInfo = (): Promise<AppInfo> => call('app_info');

/** Changes the language of every later message (`id` or `en`). */
export const setLang = (lang: string): Promise<AppInfo> => call('set_lang', { lang });

/** Saves the registration form as typed. */
export const saveDraft = (draft: Draft): Promise<void> => call('save_draft', { draft });

/** The registration form's live checks. */
export const checkRegistration = (nik: string, email: string, phone: string): Promise<RegistrationCheck> =>
  call('check_registration', { nik, email, phone });

/** The PIN rules, live, for a new PIN and its confirmation. */
export const checkPin = (pin: string, confirm: string): Promise<PinCheck> =>
  call('check_pin', { pin, confirm });

/** Checks the form, saves the draft and fetches a liveness challenge for the registration. */
export const livenessStart = (nik: string, email: string, phone: string): Promise<LivenessSession> =>
  call('liveness_start', { nik, email, phone });

/** A liveness challenge to move the account to this device (new phone or forgotten PIN). */
export const recoveryStart = (nik: string, email: string): Promise<LivenessSession> =>
  call('recovery_start', { nik, email });

/**
 * A camera frame: the raw RGBA bytes as the body, the time in the `x-ikd-frame-ms` header.
 * Runs off the main thread (the analysis takes milliseconds).
 */
export const livenessFrame = (body: Uint8Array, headers: Record<string, string>): Promise<LivenessProgress> =>
  call('liveness_frame', body, headers);

/** Forgets the attempt (the capture screen is left without finishing). */
export const livenessCancel = (): Promise<void> => call('liveness_cancel');

/** Sends the attempt's evidence (the registration, or the device change). */
export const livenessFinish = (): Promise<LivenessResult> => call('liveness_finish');

/** The emailed code: the device change is confirmed and now waits (see `waiting`). */
export const recoveryConfirm = (code: string): Promise<RecoveryView> => call('recovery_confirm', { code });

/** Where the confirmed device change stands (the waiting screen polls it when online). */
export const recoveryPoll = (): Promise<RecoveryView> => call('recovery_poll');

/** The new PIN once the wait is over: the account is on this device now, unlocked. */
export const recoveryComplete = (pin: string): Promise<UnlockView> => call('recovery_complete', { pin });

/** A device change waiting on this (old) phone's account, for the home banner. */
export const deviceChangeNotice = (): Promise<DeviceChangeNotice | null> => call('device_change_notice');

/** Cancels, for good, the device change waiting on this phone's account. */
export const deviceChangeCancel = (): Promise<void> => call('device_change_cancel');

/** The registration's state for the status tracker. */
export const registrationStatus = (): Promise<RegistrationStatus> => call('registration_status');

/** The registration QR for the operator, made on the phone for the current 30-second window. */
export const registrationQr = (): Promise<RegistrationQrView> => call('registration_qr');

/** Back to the form after a rejection, with what was typed. */
export const startOver = (): Promise<AppInfo> => call('start_over');

/** The activation code and the chosen PIN: the app is activated and unlocked. */
export const activate = (code: string, pin: string): Promise<UnlockView> => call('activate', { code, pin });

/** Opens the app with the PIN. */
export const unlock = (pin: string): Promise<UnlockView> => call('unlock', { pin });

/** Asks for the PIN again (the app went to the background). */
export const lock = (): Promise<void> => call('lock');

/** Tries the server again after an offline unlock. */
export const refresh = (): Promise<UnlockView> => call('refresh');

/** The card (biodata) of the unlocked app. */
export const card = (): Promise<CardView> => call('card');

/** The disclosure profiles a QR can be made for. */
export const profiles = (): Promise<ProfileOption[]> => call('profiles');

/** A QR presentation for `profile`. */
export const present = (profile: string): Promise<QrView> => call('present', { profile });

/** Changes the PIN (the old one first). */
export const changePin = (old: string, new_: string): Promise<void> => call('change_pin', { old, new: new_ });

/** Releases the account from this device (with the PIN). */
export const releaseDevice = (pin: string): Promise<AppInfo> => call('release_device', { pin });

/** The family card's members. */
export const family = (): Promise<FamilyView> => call('family');

/** The account's activity history. */
export const activity = (): Promise<ActivityView[]> => call('activity');

/** The resident's Disdukcapil office and its channels. */
export const office = (): Promise<OfficeView> => call('office');

/**
 * The mail link the OS opened the app with, once (after an `ikd-link` event, and once at
 * start); null when none.
 */
export const takeLink = (): Promise<LinkView | null> => call('take_link');
