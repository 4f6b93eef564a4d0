/**
 * The dashboard's entry point: a one-page app with hash routes, so the server only serves static
 * files and the API.
 *   #/            the runs table (its sort, filter, grouping and selection live in the query)
 *   #/runs/<id>   one run
 *   #/experiments the recorded experiments
 *   #/sweeps      the hyperparameter sweeps; #/sweeps/<id> one sweep
 *   #/draw        draw a digit for a model to read in the page (?model= names the checkpoint)
 *   #/train       train a zoo model in this tab (web/pages/train-page.ts)
 */
import { h, replaceChildren } from './dom.js';
import { renderDrawPage } from './pages/draw-page.js';
import { renderExperimentsPage } from './pages/experiments-page.js';
import { renderRunPage } from './pages/run-page.js';
import { renderRunsPage } from './pages/runs-page.js';
import { renderSweepPage, renderSweepsPage } from './pages/sweeps-page.js';
import { renderTrainPage } from './pages/train-page.js';
import { currentRoute, setLive, setTitle } from './shell.js';
import { emptyState } from './ui.js';

type Dispose = () => void;

let dispose: Dispose | null = null;
let renderedPath: string | null = null;

function route(force = false): void {
  const root = document.getElementById('app');
  if (!root) return;
  const { path } = currentRoute();
  // The runs page rewrites its own query; only a change of path is a new page.
  if (!force && path === renderedPath) return;
  dispose?.();
  dispose = null;
  renderedPath = path;
  setLive(null);
  root.replaceChildren();
  window.scrollTo(0, 0);

  const run = /^\/runs\/([^/]+)$/.exec(path);
  const sweep = /^\/sweeps\/([^/]+)$/.exec(path);
  let nav: 'runs' | 'experiments' | 'sweeps' | 'draw' | 'train' | null = null;
  if (path === '/' || path === '') {
    nav = 'runs';
    dispose = renderRunsPage(root);
  } else if (run) {
    nav = 'runs';
    dispose = renderRunPage(root, decodeURIComponent(run[1]!));
  } else if (path === '/experiments') {
    nav = 'experiments';
    dispose = renderExperimentsPage(root);
  } else if (path === '/sweeps') {
    nav = 'sweeps';
    dispose = renderSweepsPage(root);
  } else if (sweep) {
    nav = 'sweeps';
    dispose = renderSweepPage(root, decodeURIComponent(sweep[1]!));
  } else if (path === '/draw') {
    nav = 'draw';
    dispose = renderDrawPage(root);
  } else if (path === '/train') {
    nav = 'train';
    dispose = renderTrainPage(root);
  } else {
    setTitle('Not found');
    replaceChildren(root, h('div', { class: 'page' }, emptyState('There is no such page.', h('p', null, h('a', { href: '#/' }, 'Back to the runs')))));
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    if (link.dataset['nav'] === nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', () => route());
// Charts take their colours from the mode, so a switch of the system's mode draws the page again.
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => route(true));
route();
