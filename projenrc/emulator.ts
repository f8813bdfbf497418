import { TextFile, typescript } from 'projen';

export interface EmulatorTestOptions {
  /**
   * The vitest global setup module: checks moto once, prints one line when the tests are skipped,
   * fails under CI=true without moto.
   *
   * @default '@sagemaker-mlops/test-utils/lib/moto-global-setup.js'
   */
  readonly globalSetup?: string;
  /** Dependencies only the emulator tests use (name@range). @default - none */
  readonly devDeps?: string[];
}

/** The vitest JSON report of the emulator tests, read by tools/scripts/run-tests.mjs. */
export const EMULATOR_REPORT = 'test-emulator-results.json';

/**
 * The AWS emulator integration tests of a project (docs/adr/0008-emulator-integration-tests.md):
 * `test-emulator/**\/*.test.ts`, run against a moto server by the nx target `test:emulator`, apart
 * from the unit tests (own vitest config, own report) so that `test` never needs Python; the unit
 * tests' type-check covers them.
 */
export function useEmulatorTests(project: typescript.TypeScriptProject, options: EmulatorTestOptions = {}) {
  if (options.devDeps?.length) project.addDevDeps(...options.devDeps);
  const globalSetup = options.globalSetup ?? '@sagemaker-mlops/test-utils/lib/moto-global-setup.js';
  new TextFile(project, 'vitest.emulator.config.mts', {
    lines: [
      `// ${TextFile.PROJEN_MARKER}`,
      "import { createRequire } from 'node:module';",
      "import { defineConfig } from 'vitest/config';",
      '',
      // vitest resolves a bare globalSetup path against the project root, not node_modules.
      'const require = createRequire(import.meta.url);',
      '',
      'export default defineConfig({',
      '  test: {',
      "    include: ['test-emulator/**/*.test.ts'],",
      // Each file starts its own moto server (about 1 s); two files at a time on 2 cores.
      '    maxWorkers: 2,',
      '    testTimeout: 60000,',
      '    hookTimeout: 60000,',
      `    globalSetup: [${globalSetup.startsWith('.') ? JSON.stringify(globalSetup) : `require.resolve(${JSON.stringify(globalSetup)})`}],`,
      '  },',
      '});',
    ],
  });
  // The unit tests' type-check (the `test` task's tsc) covers the emulator tests too: one tsc per
  // project instead of two, and a type error fails `test` even where moto is missing.
  // (useVitest's include, plus this folder.)
  project.tsconfigDev.file.addOverride('include', ['**/*.ts', '../src/**/*.ts', '../test-emulator/**/*.ts']);
  const task = project.addTask('test:emulator', {
    description: 'AWS emulator integration tests (moto server; skipped with one line without it, required under CI=true)',
  });
  task.exec(`vitest run --config vitest.emulator.config.mts --reporter=default --reporter=json --outputFile.json=${EMULATOR_REPORT}`, {
    receiveArgs: true,
  });
  project.gitignore.exclude(EMULATOR_REPORT);
  project.npmignore?.exclude(EMULATOR_REPORT, 'vitest.emulator.config.mts', '/test-emulator/');

  const nx = (project.package.manifest as { nx?: { targets?: Record<string, unknown> } }).nx ?? {};
  project.package.addField('nx', {
    ...nx,
    targets: {
      ...nx.targets,
      'test:emulator': {
        cache: true,
        dependsOn: ['^compile'],
        inputs: [
          'default',
          '^production',
          // A run skipped for want of moto must not be replayed from cache under CI, nor once moto is installed.
          { env: 'CI' },
          { runtime: "python3 -c 'import moto, moto.server; print(moto.__version__)' 2>/dev/null || echo no-moto" },
        ],
        outputs: [`{projectRoot}/${EMULATOR_REPORT}`],
      },
    },
  });
}
