/**
 * Where the dashboard listens. It has no authentication and serves every run's checkpoints, so it
 * binds the loopback interface by default; any other address gets a warning with the safer way to
 * look from another machine (an SSH tunnel).
 */
import { isIP } from 'node:net';

export const DEFAULT_HOST = '127.0.0.1';

/** localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The one-line warning for a non-loopback --host, or null. */
export function exposureWarning(host: string, port: number): string | null {
  if (isLoopbackHost(host)) return null;
  return `warning: --host ${host} exposes your runs (checkpoints, specs, logs) to the network, with no authentication; ` +
    `to look from another machine, keep the default 127.0.0.1 and tunnel instead: ssh -L ${port}:127.0.0.1:${port} <this machine>`;
}

/** The URL to open: the unspecified addresses (listen on all) are reached through loopback. */
export function dashboardUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIP(h) === 6 ? `[${h}]` : h}:${port}/`;
}
