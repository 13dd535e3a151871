/**
 * `tutti tokens create|list|revoke`: the API tokens of the server (src/server/tokens.ts), each in
 * a namespace. A token's text is printed once, when it is created: only its hash is stored.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { checkNamespace, createToken } from '../server/tokens.js';
import type { TokenRecord } from '../store/tokens.js';
import { DB_HELP, type DbOption, iso, print, withStore } from './common.js';
import { formatTable } from './table.js';

export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('create, list and revoke the API tokens of the server');

  tokens
    .command('create')
    .description('create a token in a namespace and print it, once (the database is created when missing)')
    .requiredOption('--namespace <ns>', "the token's namespace: lower-case letters, digits and '-'")
    .option('--name <label>', 'a label for people, shown by `tutti tokens list`')
    .option('--db <file>', DB_HELP)
    .action(async (options: DbOption & { namespace: string; name?: string }) => {
      checkNamespace(options.namespace);
      const created = await withStore(
        options,
        (store) => createToken(store, { namespace: options.namespace, name: options.name }),
        { create: true },
      );
      // The token alone on stdout, for `TOKEN=$(tutti tokens create …)`; the warning beside it.
      print(created.token);
      process.stderr.write(
        `created token ${created.id} in namespace '${created.namespace}': keep it now, it cannot be shown again ` +
          `(revoke it with \`tutti tokens revoke ${created.id}\`)\n`,
      );
    });

  tokens
    .command('list')
    .description('tokens, oldest first, revoked ones included (their secrets are never stored or shown)')
    .option('--namespace <ns>', 'only the tokens of this namespace')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print JSON (one array) for scripts')
    .action(async (options: DbOption & { namespace?: string; json?: boolean }) => {
      if (options.namespace !== undefined) checkNamespace(options.namespace);
      await withStore(options, async (store) => {
        const list = (await store.listTokens({ namespace: options.namespace })).map(tokenJson);
        if (options.json) return print(JSON.stringify(list, null, 2));
        if (list.length === 0) return print('no tokens');
        print(
          formatTable([
            ['ID', 'NAMESPACE', 'NAME', 'CREATED', 'REVOKED'],
            ...list.map((t) => [t.id, t.namespace, t.name ?? '-', t.createdAt, t.revokedAt ?? '-']),
          ]),
        );
      });
    });

  tokens
    .command('revoke')
    .description('revoke a token: servers refuse it within seconds (their cache of verified tokens)')
    .argument('<id>', 'the token id, as `tutti tokens list` shows it')
    .option('--db <file>', DB_HELP)
    .action(async (id: string, options: DbOption) => {
      await withStore(options, async (store) => {
        if (await store.revokeToken(id, Date.now())) return print(`revoked token ${id}`);
        const found = await store.findToken(id);
        if (!found) throw new ConfigError(`no token with id '${id}'; see \`tutti tokens list\``);
        print(`token ${id} was revoked already, at ${iso(found.revokedAt ?? 0)}`);
      });
    });
}

/** A token as the commands show it: times as ISO text, and never its hash. */
function tokenJson(token: TokenRecord) {
  return {
    id: token.id,
    namespace: token.namespace,
    name: token.name,
    createdAt: iso(token.createdAt),
    revokedAt: token.revokedAt === null ? null : iso(token.revokedAt),
  };
}
