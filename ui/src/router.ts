// A small history stack without hashes: the screens pushed since the last reset, mirrored into the
// browser history so that the hardware/browser back button (popstate) walks the same stack.

export type ScreenName =
  | 'welcome'
  | 'register'
  | 'liveness'
  | 'recover'
  | 'recover-confirm'
  | 'status'
  | 'activate'
  | 'unlock'
  | 'home'
  | 'ktp'
  | 'biodata'
  | 'family'
  | 'activity'
  | 'change-pin'
  | 'release'
  | 'service';

/** The part of `window.history` the router uses. */
export interface HistoryLike {
  pushState(data: unknown, unused: string): void;
  replaceState(data: unknown, unused: string): void;
  back(): void;
}

interface Mark {
  ikd: number;
  i: number;
}

function isMark(state: unknown): state is Mark {
  return (
    typeof state === 'object' &&
    state !== null &&
    typeof (state as Mark).ikd === 'number' &&
    typeof (state as Mark).i === 'number'
  );
}

export class Router {
  private stack: ScreenName[] = [];
  private index = -1;
  /** Changes at every reset, so entries of an older stack are recognised. */
  private generation = 0;

  constructor(
    private readonly history: HistoryLike,
    private readonly show: (screen: ScreenName) => void,
  ) {}

  /** The screen shown. */
  get current(): ScreenName | undefined {
    return this.stack[this.index];
  }

  /** The screens from the root to the one shown (for tests and debugging). */
  get path(): ScreenName[] {
    return this.stack.slice(0, this.index + 1);
  }

  /** Whether there is a screen to go back to. */
  get canGoBack(): boolean {
    return this.index > 0;
  }

  /** Opens `screen` on top of the current one (dropping anything forward of it). */
  push(screen: ScreenName): void {
    this.stack = this.stack.slice(0, this.index + 1);
    this.stack.push(screen);
    this.index += 1;
    this.history.pushState(this.mark(this.index), '');
    this.show(screen);
  }

  /** Starts a new stack (`screens[0]` is the root; the last one is shown). */
  reset(...screens: ScreenName[]): void {
    if (screens.length === 0) throw new Error('reset needs a screen');
    this.generation += 1;
    this.stack = [...screens];
    this.index = 0;
    this.history.replaceState(this.mark(0), '');
    for (let i = 1; i < screens.length; i += 1) {
      this.index = i;
      this.history.pushState(this.mark(i), '');
    }
    this.show(this.stack[this.index]);
  }

  /** Goes one screen back, through the browser history (the popstate handler shows it). */
  back(): void {
    if (this.canGoBack) this.history.back();
  }

  /** Shows the current screen again (a language change, after unlocking). */
  redraw(): void {
    const screen = this.current;
    if (screen) this.show(screen);
  }

  /**
   * The browser moved through its history (back or forward). Returns whether a screen was shown;
   * an entry of an older stack is adopted as the current screen's, so the stack stays in step.
   */
  onPopState(state: unknown): boolean {
    if (isMark(state) && state.ikd === this.generation && this.stack[state.i] !== undefined) {
      this.index = state.i;
      this.show(this.stack[this.index]);
      return true;
    }
    this.history.replaceState(this.mark(this.index), '');
    return false;
  }

  private mark(i: number): Mark {
    return { ikd: this.generation, i };
  }
}
