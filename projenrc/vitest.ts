import { TextFile, typescript } from 'projen';
import { VERSIONS } from './versions';

export interface VitestOptions {
  /** Setup modules run before each test file, relative to the project. @default - none */
  readonly setupFiles?: string[];
  /** Per-test timeout. CDK synth inside a test takes seconds on a 2-core machine. @default 60000 */
  readonly testTimeoutMs?: number;
}

/**
 * Replaces jest with vitest and makes `test` type-check before it runs.
 *
 * vitest never type-checks, so the test task runs `tsc` over src and test first. The vitest JSON
 * report (`test-results.json`) feeds the workspace's one-line `N passed, N failed` summary,
 * and nx restores it from cache. Deliberately, nothing lets a package without tests pass.
 */
export function useVitest(project: typescript.TypeScriptProject, options: VitestOptions = {}) {
  project.addDevDeps(`vitest@${VERSIONS.vitest}`, `@types/node@${VERSIONS.nodeTypes}`);
  // vitest 4 ships exports-only ESM typings; only bundler resolution type-checks them.
  project.tsconfigDev.file.addOverride('compilerOptions.module', 'preserve');
  project.tsconfigDev.file.addOverride('compilerOptions.moduleResolution', 'bundler');
  project.tsconfigDev.file.addOverride('include', ['**/*.ts', '../src/**/*.ts']);

  const setup = options.setupFiles ?? [];
  new TextFile(project, 'vitest.config.mts', {
    lines: [
      `// ${TextFile.PROJEN_MARKER}`,
      "import { defineConfig } from 'vitest/config';",
      '',
      'export default defineConfig({',
      '  test: {',
      "    include: ['test/**/*.test.ts'],",
      `    testTimeout: ${options.testTimeoutMs ?? 60_000},`,
      `    hookTimeout: ${options.testTimeoutMs ?? 60_000},`,
      `    setupFiles: ${JSON.stringify(setup)},`,
      '  },',
      '});',
    ],
  });

  project.testTask.reset(`tsc -p ${project.tsconfigDev.fileName} --noEmit`);
  project.testTask.exec(
    'vitest run --reporter=default --reporter=json --outputFile.json=test-results.json',
    { receiveArgs: true },
  );
  project.gitignore.exclude('test-results.json');
  project.npmignore?.exclude('test-results.json', 'vitest.config.mts');
}
