/**
 * Gives the event loop one turn, so that a long loop notices an AbortSignal (Ctrl-C in Node, a Stop
 * message in a Web Worker) and lets timers and messages run. Node's setImmediate costs microseconds;
 * a browser has none, and setTimeout(0) is clamped to 4 ms after a few nested calls, so there a
 * MessageChannel message, which is not clamped, plays its part.
 */
type ImmediateFn = (callback: () => void) => unknown;

/** The part of a DOM MessagePort used here (Node's typings describe its own MessagePort instead). */
interface Port {
  postMessage(message: null): void;
  onmessage: (() => void) | null;
}

const immediate = (globalThis as { setImmediate?: ImmediateFn }).setImmediate;

let sender: Port | null = null;
const waiting: (() => void)[] = [];

function viaMessageChannel(): Promise<void> {
  if (sender === null) {
    const channel = new MessageChannel() as unknown as { port1: Port; port2: Port };
    channel.port1.onmessage = () => waiting.shift()?.();
    sender = channel.port2;
  }
  const port = sender;
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}

export function yieldToEventLoop(): Promise<void> {
  if (immediate) return new Promise<void>((resolve) => void immediate(resolve));
  return viaMessageChannel();
}
