/** Small pieces the pages share: status pills, command boxes with a copy button, messages. */
import type { RunRow, RunRowStatus } from '../src/server/api-types.js';
import { h, icon, ICONS, type Child } from './dom.js';

const STATUS_TEXT: Record<RunRowStatus, string> = {
  running: 'running', finished: 'finished', interrupted: 'interrupted', failed: 'failed', unknown: 'unknown',
};

const STATUS_TITLE: Record<RunRowStatus, string> = {
  running: 'Training now',
  finished: 'Trained every epoch it was given',
  interrupted: 'Stopped before its last epoch (Ctrl-C, or its process is gone); it can be resumed',
  failed: 'Stopped by an error',
  unknown: 'The folder has no status.json (written before status files existed)',
};

export function statusPill(row: Pick<RunRow, 'status' | 'problem'>): HTMLElement {
  if (row.problem !== null) {
    return h('span', { class: 'pill pill-problem', title: row.problem }, icon(ICONS.alert), 'unreadable');
  }
  return h('span', { class: `pill pill-${row.status}`, title: STATUS_TITLE[row.status] }, h('span', { class: 'pill-dot' }), STATUS_TEXT[row.status]);
}

/** Copies text; falls back to a hidden textarea where the Clipboard API is missing (plain http on a LAN address). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused: try the old way.
  }
  const area = h('textarea', { class: 'offscreen', readonly: true });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export function copyButton(text: () => string, label = 'Copy'): HTMLButtonElement {
  const button = h('button', { class: 'btn btn-small copy-btn', type: 'button', title: 'Copy to the clipboard' }, icon(ICONS.copy), h('span', null, label));
  let timer: number | undefined;
  button.addEventListener('click', (e) => {
    e.preventDefault();
    e.stopPropagation();
    void copyText(text()).then((ok) => {
      button.replaceChildren(icon(ok ? ICONS.check : ICONS.alert), h('span', null, ok ? 'Copied' : 'Select and copy'));
      button.classList.toggle('copied', ok);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        button.replaceChildren(icon(ICONS.copy), h('span', null, label));
        button.classList.remove('copied');
      }, 1600);
    });
  });
  return button;
}

/** A shell command in monospace, selectable, with a copy button. */
export function commandBox(command: string, options: { compact?: boolean } = {}): HTMLElement {
  return h('div', { class: `command${options.compact ? ' command-compact' : ''}` },
    h('code', { class: 'command-text', title: command }, h('span', { class: 'command-prompt', 'aria-hidden': 'true' }, '$ '), command),
    copyButton(() => command));
}

export function errorBox(title: string, message: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'message message-error', role: 'alert' },
    icon(ICONS.alert),
    h('div', null, h('strong', null, title), h('p', { class: 'message-text' }, message), ...extra));
}

export function loadingBox(message: string): HTMLElement {
  return h('div', { class: 'message message-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, message));
}

export function emptyState(title: string, ...body: Child[]): HTMLElement {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), ...body);
}

export function card(title: Child, ...body: Child[]): HTMLElement {
  return h('section', { class: 'card' }, title === null ? null : h('h2', { class: 'card-title' }, title), ...body);
}
