import { describe, expect, it } from 'vitest';
import { Router, type HistoryLike, type ScreenName } from './router';

/** A browser history: entries, a position, and popstate on back/forward. */
class FakeHistory implements HistoryLike {
  entries: unknown[] = [null];
  pos = 0;
  router?: Router;
  pushState(data: unknown): void {
    this.entries = this.entries.slice(0, this.pos + 1);
    this.entries.push(data);
    this.pos += 1;
  }
  replaceState(data: unknown): void {
    this.entries[this.pos] = data;
  }
  back(): void {
    if (this.pos === 0) return;
    this.pos -= 1;
    this.router?.onPopState(this.entries[this.pos]);
  }
  forward(): void {
    if (this.pos >= this.entries.length - 1) return;
    this.pos += 1;
    this.router?.onPopState(this.entries[this.pos]);
  }
}

function setup() {
  const history = new FakeHistory();
  const shown: ScreenName[] = [];
  const router = new Router(history, (s) => shown.push(s));
  history.router = router;
  return { history, shown, router };
}

describe('Router', () => {
  it('pushes and walks back with its own back and the browser back', () => {
    const { history, shown, router } = setup();
    router.reset('welcome');
    router.push('register');
    router.push('liveness');
    expect(router.path).toEqual(['welcome', 'register', 'liveness']);
    router.back();
    expect(router.current).toBe('register');
    history.back();
    expect(router.current).toBe('welcome');
    expect(router.canGoBack).toBe(false);
    expect(shown).toEqual(['welcome', 'register', 'liveness', 'register', 'welcome']);
  });

  it('goes forward again to the screen left by back', () => {
    const { history, router } = setup();
    router.reset('welcome');
    router.push('register');
    history.back();
    expect(router.current).toBe('welcome');
    history.forward();
    expect(router.current).toBe('register');
  });

  it('drops the forward screens on push', () => {
    const { history, router } = setup();
    router.reset('home');
    router.push('ktp');
    history.back();
    router.push('biodata');
    expect(router.path).toEqual(['home', 'biodata']);
    history.forward();
    expect(router.current).toBe('biodata');
  });

  it('back at the root does nothing', () => {
    const { history, router } = setup();
    router.reset('home');
    const before = history.pos;
    router.back();
    expect(history.pos).toBe(before);
    expect(router.current).toBe('home');
  });

  it('reset starts a new stack; older entries are adopted, not shown', () => {
    const { history, shown, router } = setup();
    router.reset('welcome');
    router.push('register');
    router.push('liveness');
    router.reset('status');
    expect(router.path).toEqual(['status']);
    expect(router.canGoBack).toBe(false);
    const count = shown.length;
    history.back(); // lands on the old `register` entry
    expect(router.current).toBe('status');
    expect(shown.length).toBe(count);
    router.push('activate');
    history.back();
    expect(router.current).toBe('status');
  });

  it('reset with several screens makes the earlier ones reachable by back', () => {
    const { history, router } = setup();
    router.reset('status');
    router.reset('welcome', 'register');
    expect(router.current).toBe('register');
    history.back();
    expect(router.current).toBe('welcome');
    history.forward();
    expect(router.current).toBe('register');
  });

  it('redraw shows the current screen again', () => {
    const { shown, router } = setup();
    router.reset('home');
    router.redraw();
    expect(shown).toEqual(['home', 'home']);
  });

  it('ignores a popstate that is not its own', () => {
    const { router } = setup();
    router.reset('home');
    expect(router.onPopState({ foo: 1 })).toBe(false);
    expect(router.onPopState(null)).toBe(false);
    expect(router.current).toBe('home');
  });
});
