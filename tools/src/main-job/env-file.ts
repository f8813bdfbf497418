import { readFileSync } from 'node:fs';

/**
 * Reads a dotenv-style file (KEY=VALUE, # comments, optional quotes), as `seedfarmer apply --env-file` does.
 */
export function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!match) throw new Error(`${path}:${index + 1}: expected KEY=VALUE, got "${line}"`);
      values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
    });
  return values;
}
