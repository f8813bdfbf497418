import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PipelineValidationError } from '../core/pipeline';
import { placeholdersIn, renderDefinition, renderForCloudFormation } from '../core/placeholders';
import { loadPipeline } from './load';

export const CLI_USAGE = `usage: sagemaker-mlops-pipeline <command> <file.ts|file.js|module> [options]
commands:
  render     writes the definition JSON (stdout, or --out <file>)
  validate   checks the definition; lists every problem, exits 1 if there is one
options:
  --export <name>        the export holding the pipeline (default: default, pipeline, or the only one)
  --out <file>           (render) write to this file
  --substitute K=V       (render) value of a placeholder; repeatable
  --cloudformation       (render) write {"Fn::Sub": [definition, {}]}: placeholders stay \${Name}, each
                         variable left for the template to fill (Ref, GetAtt, a parameter of the same name)
  --compact              (render) no indentation`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd?: string;
}

/** `sagemaker-mlops-pipeline`: returns the exit code. */
export async function cliMain(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        export: { type: 'string' },
        out: { type: 'string' },
        substitute: { type: 'string', multiple: true },
        cloudformation: { type: 'boolean' },
        compact: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${CLI_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  if (values.help) {
    io.out(CLI_USAGE);
    return 0;
  }
  if (!['render', 'validate'].includes(command ?? '') || !target || positionals.length > 2) {
    io.err(CLI_USAGE);
    return 2;
  }
  try {
    const pipeline = await loadPipeline(target, values.export, io.cwd);
    if (command === 'validate') {
      const problems = pipeline.validate();
      if (problems.length > 0) {
        io.err(new PipelineValidationError(pipeline.name, problems).message);
        return 1;
      }
      const placeholders = placeholdersIn(JSON.stringify(pipeline.definition()));
      io.out(`${pipeline.name}: valid (${pipeline.allSteps().length} steps, ${pipeline.parameters.length} parameters${placeholders.length ? `, placeholders ${placeholders.join(', ')}` : ''})`);
      return 0;
    }
    const substitutions: Record<string, string> = {};
    for (const pair of values.substitute ?? []) {
      const i = pair.indexOf('=');
      if (i <= 0) throw new Error(`--substitute takes Name=Value, got '${pair}'`);
      substitutions[pair.slice(0, i)] = pair.slice(i + 1);
    }
    const indent = values.compact ? undefined : 2;
    let text: string;
    if (values.cloudformation) {
      const names = placeholdersIn(JSON.stringify(pipeline.definition()));
      text = JSON.stringify(renderForCloudFormation(pipeline, Object.fromEntries(names.map((n) => [n, substitutions[n] ?? { Ref: n }]))), undefined, indent);
    } else {
      text = renderDefinition(pipeline, { substitutions, indent });
    }
    if (values.out) {
      writeFileSync(values.out, `${text}\n`);
      io.err(`${pipeline.name}: definition written to ${values.out} (${Buffer.byteLength(text)} bytes)`);
    } else {
      io.out(text);
    }
    return 0;
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
