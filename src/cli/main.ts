/**
 * The `tutti` command. Thin: parse the arguments, call the library, print. One file per command.
 */
import { Command } from 'commander';
import { TuttiError } from '../core/errors.js';
import { CommandFailed } from './common.js';
import { registerDefsCommand } from './defs.js';
import { registerDlqCommand } from './dlq.js';
import { registerEventsCommand } from './events.js';
import { registerRunCommand } from './run.js';
import { registerRunsCommand } from './runs.js';
import { registerServerCommand } from './server.js';
import { registerTokensCommand } from './tokens.js';

export function buildProgram(): Command {
  const program = new Command('tutti')
    .description('Durable orchestration and choreography for microservices')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerRunsCommand(program);
  registerRunCommand(program);
  registerEventsCommand(program);
  registerDlqCommand(program);
  registerDefsCommand(program);
  registerServerCommand(program);
  registerTokensCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommandFailed) {
      process.stderr.write(`tutti: ${error.message}\n`);
      return 1;
    }
    // Expected failures (bad input, unknown run) print one clear line; anything else its stack.
    process.stderr.write(`tutti: ${error instanceof TuttiError ? error.message : (error as Error).stack}\n`);
    return error instanceof TuttiError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
