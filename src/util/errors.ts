/**
 * An error caused by the user's input (a flag, a file, a model name). The CLI prints its message as
 * one line and exits without a stack trace; every other error is a bug and keeps its stack.
 */
export class MnistLabError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'MnistLabError';
  }
}
