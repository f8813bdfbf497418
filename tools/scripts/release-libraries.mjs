#!/usr/bin/env node
// Releases the published libraries together, as ONE version (docs/adr/0012-one-version-for-the-libraries.md):
// the next version comes from the conventional commits that touched any of them since the set's last tag
// (`@sagemaker-mlops/libraries@v<version>`), the first release is 0.1.0, and each library's tarball names its
// sibling libraries as `^<version>`. Packs `packages/<lib>/dist/js/<name>-<version>.tgz` (or into --out),
// and writes dist/version.txt, dist/releasetag.txt and dist/changelog.md at the root, as projen's release does.
// Publishes nothing and creates no tag (a release workflow does both from these files).
//
//   node tools/scripts/release-libraries.mjs --libraries packages/config,packages/events [--out dir] [--dry-run]
// Run through the root `npx projen release`, which compiles the libraries first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const TAG_PREFIX = '@sagemaker-mlops/libraries@v';
export const FIRST_VERSION = '0.1.0';
export const SCOPE = '@sagemaker-mlops/';

/**
 * The bump a list of conventional commits asks for: `major` for a breaking change (`type!:` or a
 * `BREAKING CHANGE:` footer), `minor` for a feature, `patch` for a fix or a performance change, else none.
 * @param {Array<{ subject: string, body: string }>} commits
 * @returns {'major' | 'minor' | 'patch' | undefined}
 */
export function bumpOf(commits) {
  let bump;
  for (const { subject, body } of commits) {
    const type = /^(\w+)(\([^)]*\))?(!)?:/.exec(subject);
    if (!type) continue;
    if (type[3] || /^BREAKING[ -]CHANGE:/m.test(body)) return 'major';
    if (type[1] === 'feat') bump = 'minor';
    else if ((type[1] === 'fix' || type[1] === 'perf') && !bump) bump = 'patch';
  }
  return bump;
}

/**
 * The next version of the set: {@link FIRST_VERSION} without a previous release; else the previous one
 * bumped (before 1.0.0 a breaking change bumps the minor, anything else the patch, as `^0.y.z` allows);
 * undefined when nothing releasable changed.
 * @param {string | undefined} previous
 * @param {'major' | 'minor' | 'patch' | undefined} bump
 */
export function nextVersion(previous, bump) {
  if (!previous) return FIRST_VERSION;
  if (!bump) return undefined;
  const [major, minor, patch] = previous.split('.').map(Number);
  if (major === 0) return bump === 'major' ? `0.${minor + 1}.0` : `0.${minor}.${patch + 1}`;
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/**
 * A library's package.json as released: the set's version, and every sibling library it depends on (as a
 * dependency or peer) as `^<version>`, where the workspace has `0.0.0`.
 */
export function releasedManifest(manifest, version) {
  const out = { ...manifest, version };
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    if (!manifest[field]) continue;
    out[field] = Object.fromEntries(Object.entries(manifest[field]).map(([name, range]) => [name, name.startsWith(SCOPE) ? `^${version}` : range]));
  }
  // The workspace's private test helpers are never published; a consumer never installs dev dependencies.
  if (manifest.devDependencies) {
    out.devDependencies = Object.fromEntries(Object.entries(manifest.devDependencies).filter(([name]) => !name.startsWith(SCOPE)));
  }
  return out;
}

function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' });
}

/** The set's last release tag and the commits since, on the libraries' folders only. */
export function history(root, libraries) {
  const latestTag = git(root, ['tag', '--list', `${TAG_PREFIX}*`, '--sort=-version:refname']).split('\n').find(Boolean);
  const range = latestTag ? [`${latestTag}..HEAD`] : [];
  const log = git(root, ['log', '--no-merges', '--format=%s%x1f%b%x1e', ...range, '--', ...libraries]);
  const commits = log.split('\x1e').map((c) => c.trim()).filter(Boolean).map((c) => {
    const [subject, body = ''] = c.split('\x1f');
    return { subject, body };
  });
  return { latestTag, previous: latestTag?.slice(TAG_PREFIX.length), commits };
}

/**
 * Packs every library at `version` into `outDir` (or its own dist/js), restoring each package.json after.
 * @returns the tarballs' paths
 */
export function packLibraries(root, libraries, version, outDir) {
  const tarballs = [];
  for (const library of libraries) {
    const dir = resolve(root, library);
    const file = join(dir, 'package.json');
    const original = readFileSync(file, 'utf8');
    const destination = outDir ?? join(dir, 'dist', 'js');
    mkdirSync(destination, { recursive: true });
    try {
      writeFileSync(file, `${JSON.stringify(releasedManifest(JSON.parse(original), version), null, 2)}\n`);
      const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: dir, encoding: 'utf8' }));
      tarballs.push(join(destination, packed[0].filename));
    } finally {
      writeFileSync(file, original);
    }
  }
  return tarballs;
}

function main() {
  const { values } = parseArgs({
    options: { libraries: { type: 'string' }, out: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    strict: true,
  });
  if (!values.libraries) throw new Error('--libraries packages/a,packages/b is required');
  const root = join(import.meta.dirname, '..', '..');
  const libraries = values.libraries.split(',');
  const { latestTag, previous, commits } = history(root, libraries);
  const version = nextVersion(previous, bumpOf(commits));
  if (!version) {
    process.stdout.write(`No releasable commit (feat, fix, perf, breaking) on ${libraries.join(', ')} since ${latestTag}: nothing to release.\n`);
    return;
  }
  const tag = `${TAG_PREFIX}${version}`;
  process.stdout.write(`${latestTag ?? '(first release)'} -> ${tag} (${commits.length} commits)\n`);
  if (values['dry-run']) return;
  const outDir = values.out ? (isAbsolute(values.out) ? values.out : resolve(process.cwd(), values.out)) : undefined;
  for (const tarball of packLibraries(root, libraries, version, outDir)) process.stdout.write(`packed ${tarball}\n`);
  const dist = join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'version.txt'), version);
  writeFileSync(join(dist, 'releasetag.txt'), tag);
  writeFileSync(
    join(dist, 'changelog.md'),
    `## ${version}\n\n${commits.filter((c) => bumpOf([c])).map((c) => `- ${c.subject}`).join('\n')}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
