// The build's second half (after `tsc -p tsconfig.build.json`): copies the SQL files the
// adapters read at run time next to the compiled code.
import { cpSync, existsSync } from 'node:fs';

for (const dir of ['store/sqlite/sql']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
