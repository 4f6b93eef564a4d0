/** The page frame every route shares: the header's nav and live indicator, the document title, the hash's query. */
import type { StreamState } from './api.js';
import { h } from './dom.js';

const LIVE_TEXT: Record<StreamState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };
const LIVE_TITLE: Record<StreamState, string> = {
  connecting: 'Connecting to the server’s event stream',
  live: 'Rows and curves update as runs write their files',
  reconnecting: 'The server’s event stream dropped; trying again',
};

/** Shows whether the page is following the server's events; null hides it. */
export function setLive(state: StreamState | null): void {
  const el = document.getElementById('live');
  if (!el) return;
  if (state === null) {
    el.replaceChildren();
    return;
  }
  el.replaceChildren(h('span', { class: `live live-${state}`, title: LIVE_TITLE[state] }, h('span', { class: 'live-dot' }), LIVE_TEXT[state]));
}

export function setTitle(title: string | null): void {
  document.title = title === null ? 'mnist-lab' : `${title} · mnist-lab`;
}

export interface Route {
  /** The path after '#', without the query: "/", "/runs/<id>", "/experiments", "/sweeps", "/sweeps/<id>". */
  path: string;
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** Rewrites the hash's query in place (no history entry, no route change), so a reload keeps the view. */
export function replaceQuery(query: URLSearchParams): void {
  const { path } = currentRoute();
  const text = query.toString();
  window.history.replaceState(window.history.state, '', `#${path}${text ? `?${text}` : ''}`);
}

export function runHref(id: string): string {
  return `#/runs/${encodeURIComponent(id)}`;
}

export function sweepHref(id: string): string {
  return `#/sweeps/${encodeURIComponent(id)}`;
}
