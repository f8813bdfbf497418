import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads and parses a JSON file of the deploy repository.
 *
 * @param root the repository root
 * @param file the path relative to the root, as it appears in problems
 * @param example what to put in the file when it is missing
 * @returns the parsed content, or the one problem that prevents reading it
 */
export function readRepositoryJson(
  root: string,
  file: string,
  example: string,
): { readonly content: unknown; readonly problem?: undefined } | { readonly content?: undefined; readonly problem: string } {
  let text: string;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return { problem: `${file}: not found in the deploy repository (${root}): create it, e.g. ${example}` };
    }
    return { problem: `${file}: cannot be read (${(error as Error).message})` };
  }
  try {
    // Editors on Windows may save a byte order mark, which JSON.parse rejects.
    return { content: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return { problem: `${file}: is not valid JSON (${(error as Error).message}): fix the syntax` };
  }
}
