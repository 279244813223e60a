/**
 * The allowlist of Python globals a `.pt` state dict may reference — the same idea as
 * `torch.load(weights_only=True)`: only what rebuilds tensors and (ordered) dicts. The unpickler
 * never runs anything; these hooks turn the pickle's references into plain records
 * ({@link StorageRef}, {@link TensorRecord}) that the loader later turns into Kiln tensors.
 * @packageDocumentation
 */
import { SerializationError } from '../../errors.js';
import type { PickleCallable, PickleHooks } from './unpickle.js';

/** Storage classes → the safetensors-style dtype code used by `decodeData` (plus I64, narrowed by the loader). */
export const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
  UntypedStorage: 'U8', // PyTorch ≥ 2 pickles untyped storages as raw bytes
};

/** A storage class named in a persistent id (`torch.FloatStorage`…). */
export class StorageType {
  constructor(readonly name: string, readonly code: string) {}
}

/** A persistent id `('storage', storage_type, key, location, numel)`: the data is `archive/data/<key>`. */
export class StorageRef {
  constructor(readonly type: StorageType, readonly key: string, readonly numel: number) {}
}

/** What `_rebuild_tensor_v2` describes: a strided view of a storage. */
export class TensorRecord {
  constructor(readonly storage: StorageRef, readonly offset: number, readonly size: number[], readonly stride: number[]) {}
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The unpickler hooks for torch's zip format; `what` prefixes error messages. */
export function torchHooks(what: string): PickleHooks {
  const fail = (msg: string): never => {
    throw new SerializationError(`${what}: ${msg}`);
  };

  // torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  const rebuildTensor: PickleCallable = (args) => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof StorageRef) || !isInt(offset) || !Array.isArray(size) || !Array.isArray(stride) || !size.every(isInt) || !stride.every(isInt) || size.length !== stride.length) {
      return fail('_rebuild_tensor_v2 got arguments that are not (storage, offset, size, stride, …) (corrupt file).');
    }
    // requires_grad and backward hooks are not restored: state dicts are saved detached.
    return new TensorRecord(storage, offset, size as number[], stride as number[]);
  };
  // torch._utils._rebuild_parameter(data, requires_grad, backward_hooks[, state]): the data is the tensor.
  const rebuildParameter: PickleCallable = (args) => (args[0] instanceof TensorRecord ? args[0] : fail('_rebuild_parameter got no tensor (corrupt file).'));

  const allowed = new Map<string, unknown>(Object.entries({
    'collections.OrderedDict': (() => new Map()) satisfies PickleCallable,
    'torch._utils._rebuild_tensor_v2': rebuildTensor,
    'torch._utils._rebuild_parameter': rebuildParameter,
    'torch._utils._rebuild_parameter_with_state': rebuildParameter,
    // protocol 2 pickles bytes as _codecs.encode(str, 'latin1'), one char per byte
    '_codecs.encode': ((args) => {
      const [text, encoding] = args;
      if (typeof text !== 'string') return fail('_codecs.encode got a non-string (corrupt file).');
      if (encoding === 'latin1' || encoding === 'latin-1') return Uint8Array.from(text, (c) => c.charCodeAt(0));
      if (encoding === 'utf-8' || encoding === 'utf8') return new TextEncoder().encode(text);
      return fail(`_codecs.encode with encoding ${JSON.stringify(encoding)} is not supported (torch.save writes bytes as latin1).`);
    }) satisfies PickleCallable,
    // a torch.device pickles as torch.device('cuda', 0); Kiln keeps the name only
    'torch.device': ((args) => args.filter((a) => a !== null).join(':')) satisfies PickleCallable,
  }));

  return {
    findClass(module, name) {
      const full = `${module}.${name}`;
      if (allowed.has(full)) return allowed.get(full);
      // PyTorch < 1.12 names CUDA tensors' storages torch.cuda.FloatStorage…; the data is the same
      if ((module === 'torch' || module === 'torch.cuda') && name.endsWith('Storage')) {
        const code = STORAGE_DTYPES[name];
        if (!code) fail(`the file holds a torch.${name}, whose dtype Kiln cannot represent; it reads ${Object.keys(STORAGE_DTYPES).join(', ')}. Convert that tensor in PyTorch (e.g. .float()) before saving.`);
        return new StorageType(name, code!);
      }
      return fail(
        `refusing to load the global "${full}" from the pickle. Like torch.load(weights_only=True), Kiln loads only tensors and ` +
          'plain containers (dicts, OrderedDicts, lists, tuples, numbers, strings): a pickle may run arbitrary code through any other global. ' +
          'If this is a trusted file holding a whole model (torch.save(model)) or custom objects, re-save just the tensors in Python with ' +
          'torch.save(model.state_dict(), path).',
      );
    },
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) return fail(`unknown persistent id ${JSON.stringify(pid)}; expected ('storage', type, key, location, numel).`);
      const [, type, key, , numel] = pid;
      if (!(type instanceof StorageType) || typeof key !== 'string' || !isInt(numel) || numel < 0) return fail('a storage reference is malformed (corrupt file).');
      return new StorageRef(type, key, numel);
    },
    build(obj, state) {
      // state_dict() pickles its OrderedDict with a `_metadata` attribute (per-module versions);
      // Kiln does not use it, so BUILD on a dict is accepted and ignored.
      void state;
      return obj instanceof Map;
    },
  };
}
