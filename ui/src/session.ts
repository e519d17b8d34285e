// What the UI remembers between screens while it runs: the last answers of Rust the screens draw
// from (AppInfo, the unlock view, the registration status, where the device-change code went),
// the forms as typed, the liveness attempt under way, the lock. Nothing here decides anything:
// each value is what Rust last said or what the resident typed, and the small methods below only
// keep the values that change together in step.
import type { AppInfo, Draft, LivenessSession, RecoveryView, RegistrationStatus, UnlockView } from './generated/types';

/** What the liveness screen captures for, and the challenge fetched for it (used once). */
export interface LivenessAttempt {
  purpose: 'register' | 'recover';
  /** A challenge not yet used; the screen fetches a new one when this is `null`. */
  session: LivenessSession | null;
}

/** The device-change form as typed. */
export interface RecoveryForm {
  nik: string;
  email: string;
}

export class Session {
  /** The last AppInfo (stage, language, draft); set before the first screen is drawn. */
  info!: AppInfo;
  /** The last unlock/refresh outcome (stale banner). */
  unlockView: UnlockView | null = null;
  /** The status returned by `liveness_finish()`, shown before the first poll. */
  status: RegistrationStatus | null = null;
  /** The liveness capture under way (registration or device change). */
  liveness: LivenessAttempt | null = null;
  /** The device-change form as typed (kept for Back and for a new attempt). */
  recoveryForm: RecoveryForm = { nik: '', email: '' };
  /** Where the device-change code went (unknown after a restart). */
  recovery: RecoveryView | null = null;
  /** The PIN screen is shown instead of anything else. */
  locked = false;
  /** `performance.now()` until which the PIN input stays disabled. */
  pinLockedUntil = 0;
  /** The code from a mail link, for the activation or device-change screen to fill in once. */
  private linkCode: string | null = null;

  /** Whether Rust has said where the resident is (the first `app_info` answered). */
  get loaded(): boolean {
    return this.info !== undefined;
  }

  /** The registration form as typed (kept with the AppInfo, as Rust returns it). */
  setDraft(draft: Draft): void {
    this.info = { ...this.info, draft };
  }

  /** A mail link's code, for the next activation or device-change screen. */
  offerLinkCode(code: string): void {
    this.linkCode = code;
  }

  /** The mail link's code, once (the screen fills it in). */
  takeLinkCode(): string | null {
    const code = this.linkCode;
    this.linkCode = null;
    return code;
  }

  /** `liveness_finish` sent the registration: its first status. */
  registered(status: RegistrationStatus | null): void {
    this.liveness = null;
    this.status = status;
    this.info = { ...this.info, stage: 'registered', registration_id: status?.registration_id ?? this.info.registration_id };
  }

  /** `liveness_finish` started the device change: where the code went. */
  recovering(recovery: RecoveryView | null): void {
    this.liveness = null;
    this.recovery = recovery;
    this.info = { ...this.info, stage: 'recovering' };
  }

  /** Unlocked (PIN, activation or device change) with `view`. */
  unlocked(view: UnlockView): void {
    this.unlockView = view;
    this.locked = false;
    this.pinLockedUntil = 0;
    this.info = { ...this.info, stage: 'activated', unlocked: true };
  }

  /** The PIN screen is shown again (stage `activated`). */
  lock(): void {
    this.locked = true;
    this.info = { ...this.info, unlocked: false };
  }

  /** The device was released: Rust's new AppInfo, nothing unlocked or locked. */
  released(info: AppInfo): void {
    this.info = info;
    this.unlockView = null;
    this.locked = false;
  }
}
