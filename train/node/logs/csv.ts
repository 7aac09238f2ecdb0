// metrics.csv: one row per epoch of the latest run, for spreadsheets, pandas and plotting scripts (Keras's CSVLogger).

import * as fs from 'node:fs';

/** RFC 4180 quoting: fields holding a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** Writes the header with the first row (its columns are that row's keys) and keeps the column order after it. */
export class CsvLog {
  private columns: readonly string[] | undefined;

  /**
   * Starts the file afresh: the CSV holds one run, metrics.jsonl keeps every run. A resumed run keeps the rows of the
   * epochs its checkpoint holds (`keepEpochs`) and their columns, and drops any later ones an interrupted run wrote.
   */
  constructor(
    readonly file: string,
    keepEpochs = 0,
  ) {
    const kept =
      keepEpochs > 0 && fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : [];
    const rows = kept.slice(1).filter((l) => Number(l.split(',')[0]) <= keepEpochs);
    if (kept.length > 0) this.columns = kept[0].split(',');
    fs.writeFileSync(file, kept.length > 0 ? [kept[0], ...rows].map((l) => `${l}\n`).join('') : '');
  }

  write(row: Readonly<Record<string, number | string>>): void {
    if (this.columns === undefined) {
      this.columns = Object.keys(row);
      fs.appendFileSync(this.file, csvRow(this.columns));
    }
    fs.appendFileSync(this.file, csvRow(this.columns.map((c) => row[c] ?? '')));
  }
}
