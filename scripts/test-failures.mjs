// A node:test reporter that lists every failed test once the run ends, with its file, the suites above it and the
// first lines of its error, so the end of a long log says what failed (the TAP stream above it keeps the details).
// Used beside the TAP reporter by `npm test`.

const ERROR_LINES = 6;

function errorText(error) {
  const cause = error && error.cause !== undefined ? error.cause : error;
  const text = cause instanceof Error ? cause.stack || String(cause) : String(cause);
  return text.split('\n').slice(0, ERROR_LINES).join('\n');
}

export default async function* failures(source) {
  const open = new Map(); // file → names of the tests started at each nesting level
  const failed = [];
  for await (const event of source) {
    const data = event.data;
    if (event.type === 'test:start') {
      const stack = open.get(data.file) ?? [];
      stack.length = data.nesting;
      stack.push(data.name);
      open.set(data.file, stack);
    } else if (event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
      // A suite is listed when it failed by itself (its body or a hook threw), not for its failed tests.
      const above = (open.get(data.file) ?? []).slice(0, data.nesting);
      failed.push({ file: data.file ?? '(no file)', path: [...above, data.name].join(' › '), error: errorText(data.details?.error) });
    }
  }
  if (failed.length === 0) {
    yield '# failed tests: none\n';
    return;
  }
  let text = `# failed tests: ${failed.length}\n`;
  for (const { file, path, error } of failed) {
    text += `#   ${file}\n#     ${path}\n`;
    text += error
      .split('\n')
      .map((line) => `#       ${line}\n`)
      .join('');
  }
  yield text;
}
