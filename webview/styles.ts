// The preview's stylesheet: colours come from VS Code's theme variables, with fallbacks for a plain browser.

import { diagramRules, THEME_VARIABLES } from './diagram/style';

export const PREVIEW_CSS = `
:root {
  --fg: var(--vscode-editor-foreground, #cccccc);
  --bg: var(--vscode-editor-background, #1e1e1e);
  --muted: var(--vscode-descriptionForeground, #9d9d9d);
  --box: var(--vscode-editorWidget-background, #252526);
  --box-border: var(--vscode-editorWidget-border, #555555);
  --edge: var(--vscode-editorLineNumber-foreground, #858585);
  --focus: var(--vscode-focusBorder, #007fd4);
  --error: var(--vscode-editorError-foreground, #f14c4c);
  --warning: var(--vscode-editorWarning-foreground, #cca700);
  --frame: var(--vscode-panel-border, #80808080);
  --mono: var(--vscode-editor-font-family, Menlo, Consolas, 'DejaVu Sans Mono', monospace);
}
html, body { height: 100%; margin: 0; padding: 0; }
body {
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--bg); color: var(--fg);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
}
#header { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; padding: 6px 10px; border-bottom: 1px solid var(--frame); }
#totals { flex: 1 1 auto; display: flex; flex-wrap: wrap; gap: 2px 14px; }
#totals .model { font-weight: 600; }
#totals .fact { white-space: nowrap; }
#totals .fact b { font-weight: 600; }
#totals .errors { color: var(--error); }
#toolbar { display: flex; gap: 4px; }
#toolbar button {
  font: inherit; padding: 2px 8px; cursor: pointer; border-radius: 2px;
  color: var(--vscode-button-secondaryForeground, var(--fg));
  background: var(--vscode-button-secondaryBackground, #3a3d41);
  border: 1px solid var(--vscode-button-border, transparent);
}
#toolbar button:hover { background: var(--vscode-button-secondaryHoverBackground, #45494e); }
#toolbar button:focus-visible { outline: 1px solid var(--focus); outline-offset: 1px; }
#stage { position: relative; flex: 1 1 auto; overflow: hidden; }
#diagram { width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }
#diagram.panning { cursor: grabbing; }
#status { position: absolute; left: 12px; top: 10px; color: var(--muted); }
#status:empty { display: none; }
#minimap {
  position: absolute; right: 10px; bottom: 10px; width: 160px; height: 200px;
  background: var(--box); border: 1px solid var(--box-border); opacity: 0.92; cursor: pointer;
}
#minimap.hidden { display: none; }
#minimap .mini-box { fill: var(--edge); }
#minimap .mini-box.error { fill: var(--error); }
#minimap .mini-view { fill: none; stroke: var(--focus); stroke-width: 2; vector-effect: non-scaling-stroke; }
.node { cursor: pointer; }
${diagramRules(THEME_VARIABLES)}
.node:focus { outline: none; }
.node:focus rect.body, .node.highlight rect.body { stroke: var(--focus); stroke-width: 3; }
.frame-title { cursor: pointer; }
body.vscode-high-contrast .node rect.body, body.vscode-high-contrast-light .node rect.body { stroke: var(--vscode-contrastBorder, #6fc3df); }
body.vscode-high-contrast .edge, body.vscode-high-contrast-light .edge { stroke: var(--fg); }
`;

/** The model summary page: a plain table in the editor's fonts and colours. */
export const SUMMARY_CSS = `
body {
  margin: 0; padding: 8px 16px;
  background: var(--vscode-editor-background, #1e1e1e); color: var(--vscode-foreground, #cccccc);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
}
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family, Menlo, Consolas, 'DejaVu Sans Mono', monospace); }
th, td { padding: 2px 10px; border-bottom: 1px solid var(--vscode-panel-border, #80808080); text-align: left; }
td.num { text-align: right; }
#totals { color: var(--vscode-descriptionForeground, #9d9d9d); }
`;

/**
 * The model file viewer: the preview's drawing beside the summary table, under a bar with the Convert button. The
 * drawing's export buttons are hidden: there the drawing belongs to a file, not a model being designed.
 */
export const MODEL_FILE_CSS = `
#bar { display: flex; align-items: center; gap: 12px; padding: 6px 10px; border-bottom: 1px solid var(--frame); }
#file { font-weight: 600; }
#import-status { flex: 1 1 auto; color: var(--muted); }
#bar button {
  font: inherit; padding: 3px 10px; cursor: pointer; border-radius: 2px; border: 1px solid var(--vscode-button-border, transparent);
  color: var(--vscode-button-foreground, #ffffff); background: var(--vscode-button-background, #0e639c);
}
#bar button:hover { background: var(--vscode-button-hoverBackground, #1177bb); }
#bar button:disabled { opacity: 0.5; cursor: default; }
#import-error { margin: 12px 16px; white-space: pre-wrap; color: var(--error); font-family: var(--mono); overflow: auto; }
#import-error:empty { display: none; }
#panes { flex: 1 1 auto; min-height: 0; display: flex; }
#drawing { flex: 1 1 0; min-width: 240px; display: flex; flex-direction: column; }
#table { flex: 0 1 auto; max-width: 55%; overflow: auto; padding: 4px 16px; border-left: 1px solid var(--frame); }
body.failed #panes { display: none; }
#export-svg, #export-png { display: none; }
#table h2 { font-size: 1.1em; margin: 6px 0; }
#table table { border-collapse: collapse; font-family: var(--mono); }
#table th, #table td { padding: 2px 10px; border-bottom: 1px solid var(--frame); text-align: left; }
#table td.num { text-align: right; }
#summary-totals { color: var(--muted); }
`;
