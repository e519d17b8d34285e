// The app shell: which screen is shown, the lock, the language, and the app-wide messages.
import * as api from './api';
import type { AppInfo, LivenessSession, RecoveryView, RegistrationStatus, UiError, UnlockView } from './generated/types';
import { busy, fill, h } from './dom';
import { icon } from './icons';
import { currentLang, setLanguage, t } from './i18n';
import { Router, type ScreenName } from './router';
import { screens } from './screens';

/** What a screen gets to draw itself. */
export interface Ctx {
  app: App;
  /** The screen's root (`<main data-screen=…>`). */
  root: HTMLElement;
  /** Whether this screen is still the one shown. */
  alive(): boolean;
  /** Runs `fn` when the screen is left (timers, camera, listeners). */
  onLeave(fn: () => void): void;
  /** The heading in the app bar. */
  title(text: string): void;
  /** Shows an error in the app-wide alert region (ignored once the screen is left). */
  error(err: unknown): void;
  /** Clears the alert region. */
  clearError(): void;
  /** A success message in the app-wide status region. */
  notify(text: string): void;
}

export type Screen = (ctx: Ctx) => void;

/** Screens without a Back button. */
const NO_BACK: ReadonlySet<ScreenName> = new Set(['welcome', 'home', 'unlock']);
/** Screens open while the PIN is asked: moving the account here when the PIN is forgotten. */
const OPEN_WHILE_LOCKED: ReadonlySet<ScreenName> = new Set(['recover', 'liveness', 'recover-confirm', 'service']);
/** Screens that lead to an unlock: once unlocked, Home follows them. */
const UNLOCK_ENTRY: ReadonlySet<ScreenName> = new Set(['unlock', 'activate', 'recover', 'liveness', 'recover-confirm']);

/** What the liveness screen captures for, and the challenge fetched for it (used once). */
export interface LivenessAttempt {
  purpose: 'register' | 'recover';
  /** A challenge not yet used; the screen fetches a new one when this is `null`. */
  session: LivenessSession | null;
}

export class App {
  /** The last AppInfo (stage, language, draft). */
  info!: AppInfo;
  /** The last unlock/refresh outcome (stale banner). */
  unlockView: UnlockView | null = null;
  /** The status returned by `liveness_finish()`, shown before the first poll. */
  status: RegistrationStatus | null = null;
  /** The liveness capture under way (registration or device change). */
  liveness: LivenessAttempt | null = null;
  /** The device-change form as typed (kept for Back and for a new attempt). */
  recoveryForm = { nik: '', email: '' };
  /** Where the device-change code went (unknown after a restart). */
  recovery: RecoveryView | null = null;
  /** The PIN screen is shown instead of anything else. */
  locked = false;
  /** `performance.now()` until which the PIN input stays disabled. */
  pinLockedUntil = 0;
  readonly router: Router;

  private main: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly backBtn: HTMLButtonElement;
  private readonly langBtn: HTMLButtonElement;
  private readonly alertEl: HTMLElement;
  private readonly noticeEl: HTMLElement;
  private leaving: (() => void)[] = [];
  private generation = 0;
  private listening = false;

  constructor(shell: HTMLElement) {
    this.router = new Router(window.history, (screen) => this.show(screen));
    this.backBtn = h(
      'button',
      { type: 'button', class: 'back', 'data-testid': 'back', hidden: true, onclick: () => this.router.back() },
      icon('back'),
      h('span', { class: 'back-label' }),
    );
    this.titleEl = h('h1', { id: 'title', tabindex: '-1' });
    this.langBtn = h('button', {
      type: 'button',
      class: 'lang',
      'data-testid': 'lang-toggle',
      onclick: () => void this.toggleLang(),
    });
    this.alertEl = h('div', { class: 'alert', role: 'alert', 'aria-live': 'assertive', 'aria-atomic': 'true' });
    this.noticeEl = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.main = h('main', { 'data-screen': 'loading' });
    fill(
      shell,
      h('header', { class: 'bar' }, this.backBtn, this.titleEl, this.langBtn),
      h('div', { class: 'messages' }, this.alertEl, this.noticeEl),
      this.main,
    );
    this.paintChrome();
  }

  /** Asks Rust where the resident is and opens that screen. */
  async start(): Promise<void> {
    if (!this.listening) {
      this.listening = true;
      // While locked the router still follows the history; `show` draws the PIN screen instead.
      window.addEventListener('popstate', (ev) => this.router.onPopState(ev.state));
      document.addEventListener('visibilitychange', () => this.onVisibility());
      window.addEventListener('online', () => void this.reconnect(true));
      api.onLink(() => void this.openLink()).catch(() => undefined);
    }
    this.loading();
    try {
      this.info = await api.appInfo();
    } catch (err) {
      this.startFailed(err);
      return;
    }
    setLanguage(this.info.lang);
    this.paintChrome();
    switch (this.info.stage) {
      case 'activated':
        // The PIN is asked every time the app opens.
        this.locked = !this.info.unlocked;
        this.router.reset('home');
        break;
      case 'registered':
        this.router.reset('status');
        break;
      case 'recovering':
        // Restarted while the device-change code is awaited: where it went and for how long.
        this.recovery = this.info.recovery;
        this.router.reset('welcome', 'recover-confirm');
        break;
      default:
        this.router.reset('welcome');
    }
    await this.openLink();
  }

  /** The code from a mail link, for the activation or device-change screen to fill in once. */
  private linkCode: string | null = null;

  /** The mail link's code, once (the screen fills it in). */
  takeLinkCode(): string | null {
    const code = this.linkCode;
    this.linkCode = null;
    return code;
  }

  /**
   * A mail link opened the app: Rust checks it is this phone's, then the screen it names opens
   * with the code filled in (the resident still chooses the PIN and confirms). A link for another
   * phone, or a damaged one, is explained instead.
   */
  async openLink(): Promise<void> {
    let link;
    try {
      link = await api.takeLink();
    } catch (err) {
      this.showError(err);
      return;
    }
    if (!link) return;
    this.linkCode = link.code;
    if (link.screen === 'activate') {
      this.router.reset('status', 'activate');
    } else {
      this.router.reset('welcome', 'recover-confirm');
    }
    this.notify(t('link_code_filled'));
  }

  /** Unlocked: back to the screen that was open, or Home. */
  unlocked(view: UnlockView): void {
    this.unlockView = view;
    this.locked = false;
    this.pinLockedUntil = 0;
    this.info = { ...this.info, stage: 'activated', unlocked: true };
    const current = this.router.current;
    if (current && !UNLOCK_ENTRY.has(current)) {
      this.router.redraw();
    } else {
      this.router.reset('home');
    }
  }

  /** Tries the server again (button or the `online` event); returns the new view. */
  async reconnect(quiet = false): Promise<UnlockView | null> {
    if (!this.info || this.info.stage !== 'activated' || this.locked) return null;
    try {
      const view = await api.refresh();
      this.unlockView = view;
      if (this.router.current === 'home' && !this.locked) this.router.redraw();
      return view;
    } catch (err) {
      if (!quiet) throw err;
      return null;
    }
  }

  private onVisibility(): void {
    if (document.visibilityState !== 'hidden') return;
    if (this.lockNow()) api.lock().catch(() => undefined);
  }

  /** Shows the PIN screen (stage `activated` only); whether it was not shown already. */
  private lockNow(): boolean {
    if (!this.info || this.info.stage !== 'activated' || this.locked) return false;
    this.locked = true;
    this.info = { ...this.info, unlocked: false };
    // At once, so nothing of the card is seen in the app switcher.
    this.show(this.router.current ?? 'home');
    return true;
  }

  private async toggleLang(): Promise<void> {
    const next = currentLang() === 'id' ? 'en' : 'id';
    try {
      const info = await busy(this.langBtn, () => api.setLang(next), t('busy'));
      // Keep what is typed in the form (Rust returns the last saved draft).
      this.info = { ...info, draft: this.info?.draft ?? info.draft };
      setLanguage(info.lang);
    } catch (err) {
      this.showError(err);
      return;
    }
    this.paintChrome();
    if (this.router.current) this.show(this.router.current);
  }

  private paintChrome(): void {
    document.documentElement.lang = currentLang();
    const other = currentLang() === 'id' ? 'en' : 'id';
    fill(this.langBtn, icon('globe'), h('span', { lang: other }, t('lang_other')));
    this.langBtn.setAttribute('aria-label', t('lang_toggle_label'));
    fill(this.backBtn.querySelector('.back-label')!, t('back'));
  }

  private loading(): void {
    this.newMain('loading');
    this.titleEl.textContent = t('app_name');
    this.main.append(h('p', { class: 'loading' }, h('span', { class: 'spinner' }), t('loading')));
  }

  private startFailed(err: unknown): void {
    const main = this.newMain('error');
    this.showError(err);
    main.append(
      h('p', null, t('start_failed')),
      h('button', { type: 'button', class: 'primary', onclick: () => void this.start() }, t('retry')),
    );
  }

  private newMain(name: string): HTMLElement {
    for (const fn of this.leaving.splice(0)) {
      try {
        fn();
      } catch {
        // A cleanup failing must not stop the next screen.
      }
    }
    this.generation += 1;
    const main = h('main', { 'data-screen': name, id: 'screen' });
    this.main.replaceWith(main);
    this.main = main;
    return main;
  }

  /** Draws `screen` (or the PIN screen while locked). */
  private show(requested: ScreenName): void {
    const asksPin = this.locked && this.info?.stage === 'activated' && !OPEN_WHILE_LOCKED.has(requested);
    const screen: ScreenName = asksPin ? 'unlock' : requested;
    this.clearMessages();
    const root = this.newMain(screen);
    const generation = this.generation;
    const alive = () => generation === this.generation;
    this.backBtn.hidden = NO_BACK.has(screen) || !this.router.canGoBack || screen !== requested;
    const ctx: Ctx = {
      app: this,
      root,
      alive,
      onLeave: (fn) => this.leaving.push(fn),
      title: (text) => {
        if (!alive()) return;
        this.titleEl.textContent = text;
        document.title = `${text} · IKD`;
      },
      error: (err) => {
        if (alive()) this.showError(err);
      },
      clearError: () => {
        if (alive()) this.alertEl.replaceChildren();
      },
      notify: (text) => {
        if (alive()) this.notify(text);
      },
    };
    screens[screen](ctx);
    if (document.activeElement === document.body || !document.activeElement || !document.contains(document.activeElement)) {
      this.titleEl.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }

  /** An error in the alert region (a `UiError`'s message is already localised). */
  showError(err: unknown): void {
    const e: UiError = api.toUiError(err);
    // Rust asks for the PIN (it was restarted, or locked meanwhile): show the PIN screen.
    if (e.code === 'locked') this.lockNow();
    fill(this.alertEl, h('p', { 'data-code': e.code }, icon('alert'), h('span', null, e.message)));
  }

  notify(text: string): void {
    fill(this.noticeEl, h('p', null, icon('check'), h('span', null, text)));
  }

  clearMessages(): void {
    this.alertEl.replaceChildren();
    this.noticeEl.replaceChildren();
  }
}
