// The panel's styles, applied as a constructed style sheet (allowed by the CSP, unlike inline <style>); colours from the VS Code theme.

const CSS = `
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-foreground, #333); background: var(--vscode-editor-background, #fff); margin: 0; padding: 8px 14px; }
h2 { font-size: 1.2em; margin: 6px 0; } h3 { font-size: 1.05em; margin: 10px 0 4px; }
button { background: var(--vscode-button-background, #0e639c); color: var(--vscode-button-foreground, #fff); border: none;
  padding: 4px 10px; margin: 0 6px 6px 0; cursor: pointer; border-radius: 2px; }
button:disabled { opacity: 0.45; cursor: default; }
button.secondary { background: var(--vscode-button-secondaryBackground, #ddd); color: var(--vscode-button-secondaryForeground, #333); }
select, input { background: var(--vscode-input-background, #fff); color: var(--vscode-input-foreground, #333);
  border: 1px solid var(--vscode-input-border, #ccc); margin-right: 6px; }
.note { padding: 4px 8px; margin: 4px 0; border-left: 3px solid var(--vscode-textLink-foreground, #06c);
  background: var(--vscode-textBlockQuote-background, #f3f3f3); }
.note.warning { border-color: var(--vscode-editorWarning-foreground, #c80); }
.note.error { border-color: var(--vscode-editorError-foreground, #c00); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 2px 12px; margin: 6px 0; }
.stats span { white-space: nowrap; } .stats b { font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart text { fill: var(--vscode-descriptionForeground, #666); font-size: 10px; }
.chart .axis { stroke: var(--vscode-editorWidget-border, #bbb); stroke-width: 1; }
.chart .grid { stroke: var(--vscode-editorWidget-border, #ddd); stroke-opacity: 0.35; }
.chart path { fill: none; stroke-width: 1.5; }
.s0 { stroke: var(--vscode-charts-blue, #1a85ff); } .s1 { stroke: var(--vscode-charts-orange, #d18616); }
.s2 { stroke: var(--vscode-charts-green, #388a34); } .s3 { stroke: var(--vscode-charts-red, #e51400); }
.legend { font-size: 11px; } .legend i { display: inline-block; width: 10px; height: 3px; margin: 0 4px 2px 8px; }
.k0 { background: var(--vscode-charts-blue, #1a85ff); } .k1 { background: var(--vscode-charts-orange, #d18616); }
.k2 { background: var(--vscode-charts-green, #388a34); } .k3 { background: var(--vscode-charts-red, #e51400); }
.layer { margin: 8px 0 12px; padding: 4px; border: 1px solid transparent; }
.layer.highlight { border-color: var(--vscode-focusBorder, #06c); }
.layer .meta { color: var(--vscode-descriptionForeground, #666); font-size: 11px; }
.maps { display: flex; flex-wrap: wrap; gap: 3px; }
.maps canvas { image-rendering: pixelated; width: 48px; height: 48px; }
.bars { display: flex; align-items: flex-end; gap: 1px; height: 60px; }
.bars div { width: 4px; background: var(--vscode-charts-blue, #1a85ff); }
.probs div { display: flex; align-items: center; gap: 6px; }
.probs .bar { height: 10px; background: var(--vscode-charts-green, #388a34); }
table.confusion, table.scores { border-collapse: collapse; margin: 4px 0 8px; }
table.confusion td, table.confusion th, table.scores td, table.scores th { padding: 3px 8px; text-align: right; }
table.confusion td { min-width: 2.5em; border: 1px solid var(--vscode-editorWidget-border, #ccc); }
table.confusion td.diag { background: color-mix(in srgb, var(--vscode-charts-green, #388a34) calc(var(--share) * 85%), transparent); }
table.confusion td.off { background: color-mix(in srgb, var(--vscode-charts-red, #e51400) calc(var(--share) * 85%), transparent); }
.wrong { display: flex; flex-wrap: wrap; gap: 8px; } .wrong figure { margin: 0; } .wrong figcaption { font-size: 0.9em; }
.sample canvas { image-rendering: pixelated; width: 96px; height: 96px; border: 1px solid var(--vscode-editorWidget-border, #bbb); }
`;

export function applyStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
