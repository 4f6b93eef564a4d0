/**
 * The slice of the WebAssembly JS API this backend uses. The project compiles with lib ES2022 and
 * @types/node 20, neither of which declares the WebAssembly namespace, and pulling in lib "dom"
 * would leak browser globals into every Node file.
 */
declare namespace WebAssembly {
  type ImportValue = Memory | ((...args: never[]) => unknown) | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type ExportValue = Memory | ((...args: never[]) => unknown) | unknown;
  type Exports = Record<string, ExportValue>;

  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }

  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }

  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }

  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }

  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
