/**
 * The ONNX protobuf schema (proto/onnx.proto3, vendored from the onnx repository with its license),
 * parsed by protobufjs at first use. Every byte of an exported model is written by protobufjs from
 * this schema; nothing is encoded by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const SCHEMA_FILE = join('proto', 'onnx.proto3');

/** proto/ at the package root: three folders up from dist/src/export, two from src/export. */
function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`ONNX export: the schema ${SCHEMA_FILE} is missing from the mnist-lab installation`);
}

let modelProto: protobuf.Type | null = null;

/** onnx.ModelProto, with the .proto's field names (ir_version, op_type, ...). */
export function onnxModelProto(): protobuf.Type {
  if (!modelProto) {
    const { root } = protobuf.parse(readFileSync(schemaPath(), 'utf8'), { keepCase: true });
    modelProto = root.lookupType('onnx.ModelProto');
  }
  return modelProto;
}
