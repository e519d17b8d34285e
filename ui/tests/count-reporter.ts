import type { Reporter, TestModule } from 'vitest/node';

/** Prints a plain `name: N passed, N failed, N skipped` line after the run. */
export default class CountReporter implements Reporter {
  constructor(private readonly name: string) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
    }
    process.stdout.write(`\n${this.name}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
