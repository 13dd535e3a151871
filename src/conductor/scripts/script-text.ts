/** How scripts and sizes are named in the sandbox's and the jq transform's messages. */

/** The script in a message: its first non-blank line, quoted, cut at 60 characters. */
export function describeScript(expression: string): string {
  const lines = expression
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const first = lines[0] ?? '';
  if (first.length > 60) return `'${first.slice(0, 60)}…'`;
  return lines.length > 1 ? `'${first} …'` : `'${first}'`;
}

export function sizeText(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes >= 1 ? `${+mebibytes.toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`;
}
