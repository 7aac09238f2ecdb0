// Markdown for hovers: doc comments are user text, so they are shown in a safe subset and can never break the hover.

/**
 * A doc comment as hover Markdown. The safe subset: paragraphs, emphasis, inline code, lists, headings and links
 * stay as written. Raw HTML is shown as text (`<`, `>` and `&` are escaped), images become plain links (no remote
 * image is fetched by hovering), and code fences are shown as text, so an unbalanced fence cannot swallow the rest
 * of the hover.
 */
export function safeDoc(doc: string): string {
  return doc
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/!\[/g, '\\![')
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/^(\s{0,3})(`{3,}|~{3,})/, (_m, indent: string, fence: string) => indent + fence.replace(/[`~]/g, (c) => `\\${c}`)))
    .join('\n');
}

/** A fenced Stride code block on lines of its own; the fence is longer than any backtick run inside the code. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}stride\n${text}\n${fence}`;
}

/** A Markdown table; cells escape `|` and never span lines. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ');
  const lines = [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}
