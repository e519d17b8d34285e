// What a screen gets from the shell (`app.ts`) to draw itself: its root and life, what it may ask
// the shell to do (intents), and the session store. Screens import only these types, never the
// shell, so the shell → screens imports have no way back.
import type { UnlockView } from './generated/types';
import type { ScreenName } from './router';
import type { Session } from './session';

/** What a screen may ask of the shell: moving between screens, app-wide messages, the lock. */
export interface Intents {
  /** Opens `screen` on top of the current one. */
  go(screen: ScreenName): void;
  /** Starts a new history: `screens[0]` is its root, the last one is shown. */
  restart(...screens: ScreenName[]): void;
  /** One screen back (as the hardware/browser back button). */
  back(): void;
  /** Whether there is a screen to go back to. */
  canGoBack(): boolean;
  /** The screen shown now. */
  current(): ScreenName | undefined;
  /** A success message in the app-wide status region (kept when the screen changes after it). */
  notify(text: string): void;
  /** An error in the app-wide alert region, whichever screen is shown (`locked` asks the PIN). */
  fail(err: unknown): void;
  /** Unlocked with `view`: back to the screen that was open, or Home. */
  unlocked(view: UnlockView): void;
  /**
   * Tries the server again (stage `activated`, unlocked; Home is redrawn with the answer): the new
   * view, null when not tried; rejects with the error when the server still cannot be reached.
   */
  reconnect(): Promise<UnlockView | null>;
}

/** What a screen gets to draw itself. */
export interface Ctx {
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
  /** What the screen may ask of the shell. */
  intents: Intents;
  /** What the UI remembers between screens. */
  session: Session;
}

export type Screen = (ctx: Ctx) => void;
