/**
 * A restricted unpickler: the pickle virtual machine (protocols 2–5) for the opcodes that plain
 * data needs — dicts, lists, tuples, numbers, strings, bytes — plus GLOBAL/REDUCE/BUILD/BINPERSID,
 * whose meaning is delegated to {@link PickleHooks}. Nothing is ever imported or executed: a
 * "global" is whatever `findClass` returns for an allowlisted name, and `findClass` throws for
 * everything else. Objects that need class instantiation (NEWOBJ, INST, OBJ, EXT*) are refused.
 *
 * Python values map to JS as: dict → `Map`, list and tuple → array, int → number (bigint beyond
 * 2^53), float → number, str → string, bytes → Uint8Array, None → null, bool → boolean.
 * @packageDocumentation
 */
import { SerializationError } from '../../errors.js';

/** How the unpickler resolves the two extension points of the format. */
export interface PickleHooks {
  /** Resolves `module.name` for GLOBAL/STACK_GLOBAL; must throw for anything not allowlisted. */
  findClass(module: string, name: string): unknown;
  /** Resolves a persistent id (BINPERSID), e.g. torch's storage references. */
  persistentLoad(pid: unknown): unknown;
  /** Applies BUILD's `state` to `obj`; return false to refuse. */
  build(obj: unknown, state: unknown): boolean;
}

/** A callable produced by `findClass`: REDUCE calls it with the argument tuple. */
export type PickleCallable = (args: unknown[]) => unknown;

/** Names of the opcodes this VM refuses, for clearer errors. */
const REFUSED: Record<number, string> = {
  0x81: 'NEWOBJ', 0x92: 'NEWOBJ_EX', 0x69: 'INST', 0x6f: 'OBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x50: 'PERSID',
};

/** Runs the pickle in `data`; `what` prefixes error messages (e.g. `loadTorch: "x.pt": data.pkl`). */
export function unpickle(data: Uint8Array, hooks: PickleHooks, what: string): unknown {
  const fail = (msg: string): never => {
    throw new SerializationError(`${what}: ${msg}`);
  };
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const text = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > data.length) fail(`the pickle ends early (needs ${n} bytes at byte ${pos} of ${data.length}); the file is truncated or corrupt.`);
    const at = pos;
    pos += n;
    return at;
  };
  const bytes = (n: number) => data.slice(need(n), pos);
  const utf8 = (n: number) => text.decode(data.subarray(need(n), pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('a GLOBAL opcode is not terminated by a newline (corrupt pickle).');
    const s = new TextDecoder().decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const u32 = () => dv.getUint32(need(4), true);
  const u64 = () => {
    const v = dv.getBigUint64(need(8), true);
    return v > BigInt(data.length) ? fail(`a length of ${v} bytes exceeds the pickle (corrupt).`) : Number(v);
  };
  /** Little-endian two's-complement integer (LONG1/LONG4); a number when it is safe, else a bigint. */
  const long = (n: number): number | bigint => {
    const b = data.subarray(need(n), pos);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const pop = (): unknown => (stack.length ? stack.pop() : fail(`stack underflow at byte ${pos} (corrupt pickle).`));
  const top = (): unknown => (stack.length ? stack[stack.length - 1] : fail(`stack underflow at byte ${pos} (corrupt pickle).`));
  const popMark = (): unknown[] => {
    const items = stack;
    stack = marks.pop() ?? fail(`an opcode at byte ${pos} expects a MARK that is not there (corrupt pickle).`);
    return items;
  };
  const dictOf = (v: unknown): Map<unknown, unknown> => (v instanceof Map ? v : fail(`SETITEM(S) at byte ${pos} targets a ${typeof v}, not a dict (corrupt pickle).`));
  const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : fail(`APPEND(S) at byte ${pos} targets a ${typeof v}, not a list (corrupt pickle).`));
  const setItems = (d: Map<unknown, unknown>, kv: unknown[]) => {
    for (let i = 0; i + 1 < kv.length; i += 2) d.set(kv[i], kv[i + 1]);
  };
  const global = (module: string, name: string) => stack.push(hooks.findClass(module, name));
  const get = (i: number) => (memo.has(i) ? memo.get(i) : fail(`memo entry ${i} is read before it is written (corrupt pickle).`));

  for (;;) {
    const at = pos;
    const op = data[need(1)]!;
    switch (op) {
      case 0x80: need(1); break; // PROTO
      case 0x95: need(8); break; // FRAME: framing is only a read-ahead hint
      case 0x2e: return pop(); // STOP
      case 0x28: marks.push(stack); stack = []; break; // MARK
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(dv.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(data[need(1)]!); break; // BININT1
      case 0x4d: stack.push(dv.getUint16(need(2), true)); break; // BININT2
      case 0x8a: stack.push(long(data[need(1)]!)); break; // LONG1
      case 0x8b: stack.push(long(u32())); break; // LONG4
      case 0x47: stack.push(dv.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(data[need(1)]!)); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(u64())); break; // BINUNICODE8
      case 0x42: stack.push(bytes(u32())); break; // BINBYTES
      case 0x43: stack.push(bytes(data[need(1)]!)); break; // SHORT_BINBYTES
      case 0x8e: stack.push(bytes(u64())); break; // BINBYTES8
      case 0x74: case 0x6c: { const items = popMark(); stack.push(items); break; } // TUPLE, LIST (popMark swaps `stack`, so pop first)
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x64: { const d = new Map(); setItems(d, popMark()); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); dictOf(top()).set(k, v); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(dictOf(top()), kv); break; } // SETITEMS
      case 0x61: { const v = pop(); listOf(top()).push(v); break; } // APPEND
      case 0x65: { const vs = popMark(); listOf(top()).push(...vs); break; } // APPENDS
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x71: memo.set(data[need(1)]!, top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(get(data[need(1)]!)); break; // BINGET
      case 0x6a: stack.push(get(u32())); break; // LONG_BINGET
      case 0x63: global(line(), line()); break; // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); // STACK_GLOBAL
        if (typeof module !== 'string' || typeof name !== 'string') fail(`STACK_GLOBAL at byte ${at} needs two strings (corrupt pickle).`);
        global(module as string, name as string); break; }
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      case 0x52: { const args = pop(); const f = pop(); // REDUCE
        if (typeof f !== 'function' || !Array.isArray(args)) fail(`REDUCE at byte ${at} applies a non-callable or a non-tuple (corrupt or unsupported pickle).`);
        stack.push((f as PickleCallable)(args as unknown[])); break; }
      case 0x62: { const state = pop(); // BUILD
        if (!hooks.build(top(), state)) fail(`BUILD at byte ${at} would set the state of an object, which only class instances need; a tensor state dict has none.`);
        break; }
      default:
        fail(
          REFUSED[op]
            ? `the pickle uses ${REFUSED[op]} (byte ${at}), which instantiates arbitrary objects; only tensor state dicts are loadable.`
            : `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}; only the opcodes of tensor state dicts are implemented (corrupt or not a torch.save file?).`,
        );
    }
  }
}
