import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bumpOf, FIRST_VERSION, history, nextVersion, packLibraries, releasedManifest } from '../scripts/release-libraries.mjs';
import { REPO_ROOT } from '../src/workspace';

/** The libraries the issue names: a consumer of EndpointStack installs these five. */
const LIBRARIES = ['config', 'events', 'iam', 'registry', 'constructs'].map((l) => `packages/${l}`);

describe('the version of a release of the libraries (docs/adr/0012-one-version-for-the-libraries.md)', () => {
  const c = (subject: string, body = '') => ({ subject, body });

  it('is 0.1.0 the first time, never 0.0.0', () => {
    expect(nextVersion(undefined, undefined)).toBe(FIRST_VERSION);
    expect(FIRST_VERSION).toBe('0.1.0');
  });

  it('bumps from conventional commits: breaking > feat > fix; nothing releasable, no release', () => {
    expect(bumpOf([c('docs: x'), c('fix(config): y')])).toBe('patch');
    expect(bumpOf([c('fix: y'), c('feat(iam): z')])).toBe('minor');
    expect(bumpOf([c('feat(iam)!: z')])).toBe('major');
    expect(bumpOf([c('refactor: z', 'BREAKING CHANGE: props renamed')])).toBe('major');
    expect(bumpOf([c('chore: a'), c('test: b')])).toBeUndefined();
    expect(nextVersion('1.2.3', undefined)).toBeUndefined();
    expect([nextVersion('1.2.3', 'patch'), nextVersion('1.2.3', 'minor'), nextVersion('1.2.3', 'major')]).toEqual(['1.2.4', '1.3.0', '2.0.0']);
    // Before 1.0.0 a caret range admits only patches (^0.1.0 = <0.2.0): compatible changes bump the patch.
    expect([nextVersion('0.1.0', 'patch'), nextVersion('0.1.0', 'minor'), nextVersion('0.1.0', 'major')]).toEqual(['0.1.1', '0.1.1', '0.2.0']);
  });

  it('names the sibling libraries as ^<version> and drops the private test helpers', () => {
    const manifest = {
      name: '@sagemaker-mlops/constructs',
      version: '0.0.0',
      dependencies: { '@sagemaker-mlops/config': '0.0.0', zod: '^4.6.7' },
      peerDependencies: { 'aws-cdk-lib': '^2.276.0' },
      devDependencies: { '@sagemaker-mlops/test-utils': '0.0.0', vitest: '~4.1.12' },
    };
    expect(releasedManifest(manifest, '0.3.1')).toEqual({
      ...manifest,
      version: '0.3.1',
      dependencies: { '@sagemaker-mlops/config': '^0.3.1', zod: '^4.6.7' },
      devDependencies: { vitest: '~4.1.12' },
    });
  });
});

describe('the released libraries, packed and installed into an empty project', () => {
  it('install together and synthesize an EndpointStack from @sagemaker-mlops/constructs', () => {
    // GIVEN the tarballs of the next release (libraries compiled: the nx test target compiles them first)
    const { previous, commits } = history(REPO_ROOT, LIBRARIES);
    const version = nextVersion(previous, bumpOf(commits)) ?? previous!;
    const work = mkdtempSync(join(tmpdir(), 'release-'));
    const tarballs = packLibraries(REPO_ROOT, LIBRARIES, version, join(work, 'dist'));
    expect(version).not.toBe('0.0.0');
    expect(tarballs).toHaveLength(5);

    // WHEN an empty project gets them: each tarball unpacked into node_modules as npm installs it, and
    // the third-party packages from the workspace's node_modules (offline: no registry here).
    const project = join(work, 'consumer');
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, '@sagemaker-mlops'), { recursive: true });
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (entry !== '@sagemaker-mlops' && !entry.startsWith('.')) symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
    }
    const manifests = tarballs.map((tarball) => {
      const manifest = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }));
      const dir = join(modules, manifest.name);
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
      return manifest;
    });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, dependencies: Object.fromEntries(manifests.map((m) => [m.name, `^${version}`])) }),
    );

    // THEN every library has the release's version, and every sibling range it names is met by what is installed
    const installed = new Map(manifests.map((m) => [m.name as string, m.version as string]));
    for (const m of manifests) {
      expect(m.version).toBe(version);
      for (const [name, range] of Object.entries<string>({ ...m.dependencies, ...m.peerDependencies })) {
        if (!name.startsWith('@sagemaker-mlops/')) continue;
        // ^<version> admits <version>, which every library of the set has.
        expect([name, range, installed.get(name)]).toEqual([name, `^${version}`, version]);
      }
    }
    // and a plain Node.js program synthesizes an EndpointStack from the installed packages alone, with the
    // feature flags \`cdk init\` writes into a new project's cdk.json (CDK's recommended ones).
    writeFileSync(
      join(project, 'main.js'),
      `const { App } = require('aws-cdk-lib');
const { CURRENTLY_RECOMMENDED_FLAGS } = require('aws-cdk-lib/cx-api');
const { EndpointStack } = require('@sagemaker-mlops/constructs');
const app = new App({ outdir: process.argv[2], context: CURRENTLY_RECOMMENDED_FLAGS });
new EndpointStack(app, 'Endpoint', {
  projectName: 'churn', projectId: 'p-abc123def456', stageNames: ['staging', 'prod'],
  modelRegistryAccount: '111111111111', modelArtifactBucketName: 'churn-model-artifacts',
  modelArtifactKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  testPrincipalArn: 'arn:aws:iam::111111111111:role/churn-staging-test-runner',
});
const stack = app.synth().getStackByName('Endpoint');
console.log(JSON.stringify({ resolved: require.resolve('@sagemaker-mlops/constructs'), types: Object.values(stack.template.Resources).map((r) => r.Type) }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['main.js', join(work, 'cdk.out')], { cwd: project, encoding: 'utf8' }));
    expect(out.resolved.startsWith(modules)).toBe(true);
    expect(out.types).toEqual(expect.arrayContaining(['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint']));
  });
});
