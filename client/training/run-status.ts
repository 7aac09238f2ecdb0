// A background run's live numbers in the status bar. They change once a second there, where a redraw disturbs
// nothing, while the notification, whose Cancel button a redraw replaces, changes its text only every few seconds
// (pacing.ts). Clicking the item opens the run's training panel: charts, Pause and Resume.

import * as vscode from 'vscode';
import { STATUS_TEXT_INTERVAL_MS, TextPacer } from './pacing';

export class RunStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly pacer = new TextPacer(STATUS_TEXT_INTERVAL_MS);

  constructor(
    private readonly model: string,
    uri: string,
  ) {
    this.item = vscode.window.createStatusBarItem('stride.backgroundRun', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Stride: background training';
    this.item.command = { title: 'Show the training panel', command: 'stride.train', arguments: [uri, model] };
    this.item.tooltip = `Stride is training ${model} in the background. Click for its training panel: charts, Pause and Resume.`;
    this.show('sync~spin', 'starting…');
  }

  /** A batch's numbers, at most once an interval. */
  batch(text: string): void {
    if (this.pacer.due()) this.show('sync~spin', text);
  }

  /** Paused, resumed or stopping: said at once. */
  state(state: 'paused' | 'resuming' | 'stopping'): void {
    if (state === 'paused') this.show('debug-pause', 'paused');
    else this.show('sync~spin', state === 'resuming' ? 'resuming…' : 'stopping after the current batch…');
  }

  dispose(): void {
    this.item.dispose();
  }

  private show(icon: string, text: string): void {
    this.item.text = `$(${icon}) ${this.model}: ${text}`;
    this.item.show();
  }
}
