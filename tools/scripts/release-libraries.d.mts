// Types of release-libraries.mjs for the tools tests.
export declare const TAG_PREFIX: string;
export declare const FIRST_VERSION: string;
export declare const SCOPE: string;
export type Bump = 'major' | 'minor' | 'patch';
export declare function bumpOf(commits: Array<{ subject: string; body: string }>): Bump | undefined;
export declare function nextVersion(previous: string | undefined, bump: Bump | undefined): string | undefined;
export declare function releasedManifest(manifest: Record<string, any>, version: string): Record<string, any>;
export declare function history(
  root: string,
  libraries: string[],
): { latestTag?: string; previous?: string; commits: Array<{ subject: string; body: string }> };
export declare function packLibraries(root: string, libraries: string[], version: string, outDir?: string): string[];
