/** Left-aligned columns separated by two spaces: readable in a terminal, easy to grep. */
export function formatTable(rows: string[][]): string {
  return new TableStream().format(rows);
}

/**
 * A table printed in parts (`events tail --follow`): each part's columns are at least as wide as
 * those printed before, so later rows line up with the header while the values fit.
 */
export class TableStream {
  private readonly widths: number[] = [];

  format(rows: string[][]): string {
    for (const row of rows) {
      row.forEach((cell, i) => {
        this.widths[i] = Math.max(this.widths[i] ?? 0, cell.length);
      });
    }
    return rows
      .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(this.widths[i] ?? 0))).join('  '))
      .join('\n');
  }
}
