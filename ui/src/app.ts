// The app shell: which screen is shown, the lock, the language, and the app-wide messages. Screens
// get a `Ctx` (screen.ts): their intents and the session store, never this object.
import * as commands from './generated/commands';
import { onLink } from './api';
import type { UiError, UnlockView } from './generated/types';
import { busy, fill, h } from './dom';
import { icon } from './icons';
import { currentLang, setLanguage, t } from './i18n';
import { toUiError } from './ipc';
import { Router, type ScreenName } from './router';
import type { Ctx, Intents } from './screen';
import { screens } from './screens';
import { Session } from './session';

/** Screens without a Back button. */
const NO_BACK: ReadonlySet<ScreenName> = new Set(['welcome', 'home', 'unlock']);
/** Screens open while the PIN is asked: moving the account here when the PIN is forgotten. */
const OPEN_WHILE_LOCKED: ReadonlySet<ScreenName> = new Set(['recover', 'liveness', 'recover-confirm', 'service']);
/** Screens that lead to an unlock: once unlocked, Home follows them. */
const UNLOCK_ENTRY: ReadonlySet<ScreenName> = new Set(['unlock', 'activate', 'recover', 'liveness', 'recover-confirm']);

export class App {
  /** What the UI remembers between screens (the screens' store). */
  private readonly session = new Session();
  private readonly router: Router;
  /** What every screen may ask of the shell. */
  private readonly intents: Intents = {
    go: (screen) => this.router.push(screen),
    restart: (...screens) => this.router.reset(...screens),
    back: () => this.router.back(),
    canGoBack: () => this.router.canGoBack,
    current: () => this.router.current,
    notify: (text) => this.notify(text),
    fail: (err) => this.showError(err),
    unlocked: (view) => this.unlocked(view),
    reconnect: () => this.reconnect(),
  };

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
      onLink(() => void this.openLink()).catch(() => undefined);
    }
    const session = this.session;
    this.loading();
    try {
      session.info = await commands.appInfo();
    } catch (err) {
      this.startFailed(err);
      return;
    }
    setLanguage(session.info.lang);
    this.paintChrome();
    switch (session.info.stage) {
      case 'activated':
        // The PIN is asked every time the app opens.
        session.locked = !session.info.unlocked;
        this.router.reset('home');
        break;
      case 'registered':
        this.router.reset('status');
        break;
      case 'recovering':
        // Restarted while the device-change code is awaited: where it went and for how long.
        session.recovery = session.info.recovery;
        this.router.reset('welcome', 'recover-confirm');
        break;
      default:
        this.router.reset('welcome');
    }
    await this.openLink();
  }

  /**
   * A mail link opened the app: Rust checks it is this phone's, then the screen it names opens
   * with the code filled in (the resident still chooses the PIN and confirms). A link for another
   * phone, or a damaged one, is explained instead.
   */
  private async openLink(): Promise<void> {
    let link;
    try {
      link = await commands.takeLink();
    } catch (err) {
      this.showError(err);
      return;
    }
    if (!link) return;
    this.session.offerLinkCode(link.code);
    if (link.screen === 'activate') {
      this.router.reset('status', 'activate');
    } else {
      this.router.reset('welcome', 'recover-confirm');
    }
    this.notify(t('link_code_filled'));
  }

  /** Unlocked: back to the screen that was open, or Home. */
  private unlocked(view: UnlockView): void {
    this.session.unlocked(view);
    const current = this.router.current;
    if (current && !UNLOCK_ENTRY.has(current)) {
      this.router.redraw();
    } else {
      this.router.reset('home');
    }
  }

  /** Tries the server again (button or the `online` event); returns the new view. */
  private async reconnect(quiet = false): Promise<UnlockView | null> {
    const session = this.session;
    if (!session.loaded || session.info.stage !== 'activated' || session.locked) return null;
    try {
      const view = await commands.refresh();
      session.unlockView = view;
      if (this.router.current === 'home' && !session.locked) this.router.redraw();
      return view;
    } catch (err) {
      if (!quiet) throw err;
      return null;
    }
  }

  private onVisibility(): void {
    if (document.visibilityState !== 'hidden') return;
    if (this.lockNow()) commands.lock().catch(() => undefined);
  }

  /** Shows the PIN screen (stage `activated` only); whether it was not shown already. */
  private lockNow(): boolean {
    const session = this.session;
    if (!session.loaded || session.info.stage !== 'activated' || session.locked) return false;
    session.lock();
    // At once, so nothing of the card is seen in the app switcher.
    this.show(this.router.current ?? 'home');
    return true;
  }

  private async toggleLang(): Promise<void> {
    const next = currentLang() === 'id' ? 'en' : 'id';
    try {
      const info = await busy(this.langBtn, () => commands.setLang(next), t('busy'));
      // Keep what is typed in the form (Rust returns the last saved draft).
      this.session.info = { ...info, draft: this.session.info?.draft ?? info.draft };
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
    const asksPin = this.session.locked && this.session.info?.stage === 'activated' && !OPEN_WHILE_LOCKED.has(requested);
    const screen: ScreenName = asksPin ? 'unlock' : requested;
    this.clearMessages();
    const root = this.newMain(screen);
    const generation = this.generation;
    const alive = () => generation === this.generation;
    this.backBtn.hidden = NO_BACK.has(screen) || !this.router.canGoBack || screen !== requested;
    const ctx: Ctx = {
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
      intents: this.intents,
      session: this.session,
    };
    screens[screen](ctx);
    if (document.activeElement === document.body || !document.activeElement || !document.contains(document.activeElement)) {
      this.titleEl.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }

  /** An error in the alert region (a `UiError`'s message is already localised). */
  private showError(err: unknown): void {
    const e: UiError = toUiError(err);
    // Rust asks for the PIN (it was restarted, or locked meanwhile): show the PIN screen.
    if (e.code === 'locked') this.lockNow();
    fill(this.alertEl, h('p', { 'data-code': e.code }, icon('alert'), h('span', null, e.message)));
  }

  private notify(text: string): void {
    fill(this.noticeEl, h('p', null, icon('check'), h('span', null, text)));
  }

  private clearMessages(): void {
    this.alertEl.replaceChildren();
    this.noticeEl.replaceChildren();
  }
}
