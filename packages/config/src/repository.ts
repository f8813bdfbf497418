import { z } from 'zod';

// Value schemas of the Git repository parameters that the project modules (batch-promotion,
// endpoint-deploy, project-template) share, in Seedfarmer snake_case: repository_type,
// repository_name, code_connection_arn, repository_owner_and_name, branch.

/** Where a module's Git repository lives: a CodeCommit repository, or a CodeConnections connection to GitHub, GitLab or Bitbucket. */
export const REPOSITORY_TYPES = ['codecommit', 'codeconnections'] as const;
export type RepositoryType = (typeof REPOSITORY_TYPES)[number];

/** `repository_type`: codecommit or codeconnections (give `.default('codecommit')` where the module defaults it). */
export const repositoryType = z.enum(REPOSITORY_TYPES, { error: 'expected codecommit (default) or codeconnections' });

const CONNECTION_ARN = /^arn:(aws[a-z-]*):(codeconnections|codestar-connections):([a-z0-9-]+):(\d{12}):connection\/[0-9a-f-]{36}$/;

/** A parsed CodeConnections (or legacy CodeStar Connections) connection ARN. */
export interface ParsedConnectionArn {
  readonly arn: string;
  readonly region: string;
  readonly account: string;
}

/** A CodeConnections (or legacy CodeStar Connections) connection ARN, parsed into its account and region. */
export const connectionArn = z.string().transform((value, ctx): ParsedConnectionArn => {
  const match = CONNECTION_ARN.exec(value);
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: 'expected a connection ARN such as arn:aws:codeconnections:<region>:<account>:connection/<uuid> (create it in the console under Developer Tools > Connections)',
    });
    return z.NEVER;
  }
  return { arn: value, region: match[3], account: match[4] };
});

/**
 * `<owner>/<repository>` of a repository behind a connection (GitLab groups may nest).
 *
 * @param example what follows "e.g." in the message: an example, and any note on the format
 */
export function repositoryOwnerAndName(example: string) {
  return z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, `expected <owner>/<repository> as the Git provider shows it, e.g. ${example}`);
}

/** CodeCommit repository names: 1 to 100 letters, digits, `.`, `_`, `-`, not ending with `.git` (CreateRepository, CodeCommit API reference). */
export const codeCommitRepositoryName = z
  .string()
  .regex(/^[\w.-]{1,100}$/, 'a CodeCommit repository name has 1 to 100 letters, digits, dots, underscores and hyphens')
  .refine((n) => !n.endsWith('.git'), 'a CodeCommit repository name must not end with .git');

export interface GitBranchNameOptions {
  /**
   * Refuse names starting with `refs/` (a full ref such as refs/heads/main, where a branch name is expected).
   *
   * @default false
   */
  readonly rejectRefs?: boolean;
}

/** A Git branch name (git check-ref-format, simplified): no `..`, `//`, leading `-` or `/`, trailing `/` or `.lock`. */
export function gitBranchName(options: GitBranchNameOptions = {}) {
  const rejectRefs = options.rejectRefs ?? false;
  return z
    .string()
    .min(1)
    .max(255)
    .refine(
      (b) =>
        /^[A-Za-z0-9._/-]+$/.test(b) &&
        !b.startsWith('-') &&
        !b.startsWith('/') &&
        !b.endsWith('/') &&
        !b.endsWith('.lock') &&
        !b.includes('..') &&
        !b.includes('//') &&
        !(rejectRefs && b.startsWith('refs/')),
      'expected a Git branch name such as main (not refs/heads/main)',
    );
}

/** The repository parameters {@link repositoryRules} cross-checks. */
export interface RepositoryParameters {
  readonly repository_type: RepositoryType;
  readonly code_connection_arn?: ParsedConnectionArn;
  readonly repository_owner_and_name?: string;
  readonly repository_name?: string;
}

export interface RepositoryRulesOptions {
  /**
   * Whether the module has the repository_owner_and_name and repository_name parameters (one repository
   * per module) or only repository_type and code_connection_arn (the projects create their repositories).
   *
   * @default true
   */
  readonly ownerAndName?: boolean;
}

/**
 * The rules between repository_type and the other repository parameters, one function per rule so that a
 * resolver can run each as its own check (CrossFieldChecks.check) or all in a row. Connections are used by
 * CodePipeline in their own account and region, so the connection must be of the module's.
 */
export function repositoryRules(
  p: RepositoryParameters,
  module: { readonly account: string; readonly region: string },
  issue: (path: string, received: unknown, message: string) => void,
  options: RepositoryRulesOptions = {},
): Array<() => void> {
  const ownerAndName = options.ownerAndName ?? true;
  const connections = () => p.repository_type === 'codeconnections';
  const notConnections = 'only used with repository_type codeconnections; remove it, or set repository_type to codeconnections';
  return [
    () => {
      if (connections() && !p.code_connection_arn) issue('code_connection_arn', undefined, 'required with repository_type codeconnections; give the ARN of an available connection to your Git provider');
    },
    ...(ownerAndName
      ? [
        () => {
          if (connections() && !p.repository_owner_and_name) issue('repository_owner_and_name', undefined, 'required with repository_type codeconnections; give <owner>/<repository>');
        },
        () => {
          if (connections() && p.repository_name) issue('repository_name', p.repository_name, 'names a CodeCommit repository this module creates; with codeconnections give repository_owner_and_name instead');
        },
      ]
      : []),
    () => {
      const connection = p.code_connection_arn;
      if (connections() && connection && (connection.account !== module.account || connection.region !== module.region)) {
        issue('code_connection_arn', connection.arn, `CodePipeline uses connections of its own account and region; create the connection in ${module.account} / ${module.region}`);
      }
    },
    () => {
      if (p.repository_type === 'codecommit' && p.code_connection_arn !== undefined) issue('code_connection_arn', p.code_connection_arn.arn, notConnections);
    },
    ...(ownerAndName
      ? [
        () => {
          if (p.repository_type === 'codecommit' && p.repository_owner_and_name !== undefined) issue('repository_owner_and_name', p.repository_owner_and_name, notConnections);
        },
      ]
      : []),
  ];
}
