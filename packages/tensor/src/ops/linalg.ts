/**
 * Matrix products. The primitive is a batched `matmul` on ≥2-D operands whose batch dims are
 * already broadcast; the 1-D promotion rules of torch.matmul, mm/bmm/dot/mv/outer and einsum are
 * composed around it.
 * @packageDocumentation
 */
import { defineOp, dispatch1 } from '../dispatch.js';
import { isFloating, promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import * as E from './elementwise.js';

defineOp({
  name: 'matmul',
  impl: ([a, b]) => {
    const nd = a!.ndim;
    const outShape = [...a!.shape.slice(0, nd - 2), a!.shape[nd - 2]!, b!.shape[nd - 1]!];
    const h = a!.storage.backend.matmul(a!.operand(), b!.operand(), outShape, a!.dtype);
    return [Tensor.fromHandle(h, a!.dtype, outShape, a!.device)];
  },
});

function checkDtypes(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: expected both operands to have the same dtype, but got ${a.dtype} and ${b.dtype}; convert one with .to('${promoteTypes(a.dtype, b.dtype)}')`);
  }
  if (a.dtype === 'bool') throw new DTypeError(`${op}: "addmm" not implemented for 'bool'; convert to float32 or int32 first`);
}

/** torch.matmul with its 1-D/2-D/batched rules; `op` names the public op in errors (mm, bmm, dot, mv). */
export function matmul(a: Tensor, b: Tensor, op = 'matmul'): Tensor {
  checkDtypes(op, a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`${op}: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  const K = a2.shape[a2.ndim - 1]!;
  if (b2.shape[b2.ndim - 2] !== K) {
    throw new ShapeError(
      `${op}: mat1 and mat2 shapes cannot be multiplied (${a2.shape.slice(-2).join('x')} and ${b2.shape.slice(-2).join('x')}); ` +
        `inputs ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} — the last dim of the first must equal the second-to-last dim of the second`,
    );
  }
  const batch = broadcastShapes(op, a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const ae = a2.expand([...batch, ...a2.shape.slice(-2)]);
  const be = b2.expand([...batch, ...b2.shape.slice(-2)]);
  let r = dispatch1('matmul', [ae, be]);
  if (a.ndim === 1) r = r.squeeze(-2);
  if (b.ndim === 1) r = r.squeeze(-1);
  return r;
}

/** 2-D × 2-D. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new ShapeError(`mm: self must be a matrix, got ${a.ndim}-D tensor of shape ${fmtShape(a.shape)}; use matmul() for vectors and batches`);
  if (b.ndim !== 2) throw new ShapeError(`mm: mat2 must be a matrix, got ${b.ndim}-D tensor of shape ${fmtShape(b.shape)}; use matmul() for vectors and batches`);
  return matmul(a, b, 'mm');
}

/** 3-D batched × 3-D batched (equal batch sizes). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw new ShapeError(`bmm: batch1 and batch2 must be 3D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use matmul() for other ranks (it broadcasts batch dims)`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: batch1 and batch2 must have same number of batches, got ${a.shape[0]} and ${b.shape[0]} (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}); use matmul() to broadcast a batch of 1`);
  return matmul(a, b, 'bmm');
}

/** 1-D · 1-D. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}); use matmul() or mul().sum() for other shapes`);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively; pass vectors of equal length`);
  }
  return matmul(a, b, 'dot');
}

/** Matrix × vector. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) throw new ShapeError(`mv: vector + matrix @ vector expected, got ${fmtShape(a.shape)} and ${fmtShape(v.shape)}; pass a 2-D matrix and a 1-D vector`);
  return matmul(a, v, 'mv');
}

/** Outer product. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`outer: expected 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; flatten() them first`);
  return E.mul(a.unsqueeze(1), b.unsqueeze(0));
}

/**
 * torch.einsum for the common forms ('ij,jk->ik', 'bij,bjk->bik', 'i,i->', 'ii->i', '...ij->...ji',
 * implicit output). Operands are aligned to one letter order by views, multiplied with
 * broadcasting and summed over contracted letters; two-operand contractions use matmul.
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhsGiven] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== ops.length) {
    throw new ValueError(`einsum(): more operands were provided than specified in the equation` + ` (equation has ${terms.length}, got ${ops.length})`);
  }
  // expand '...' into unique upper-case letters
  const ellLetters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const maxEll = Math.max(0, ...terms.map((term, i) => (term.includes('...') ? ops[i]!.ndim - (term.length - 3) : 0)));
  // broadcast dims are right-aligned, so an operand with fewer of them takes the last letters
  const expanded = terms.map((term, i) => {
    const t = ops[i]!;
    if (!term.includes('...')) {
      if (term.length !== t.ndim) throw new ShapeError(`einsum(): the number of subscripts in the equation (${term.length}) does not match the number of dimensions (${t.ndim}) for operand ${i} (shape ${fmtShape(t.shape)}) and no ellipsis was given; write one letter per dim or use '...'`);
      return term;
    }
    const n = t.ndim - (term.length - 3);
    return term.replace('...', ellLetters.slice(maxEll - n, maxEll));
  });
  const ell = ellLetters.slice(0, maxEll);
  let rhs: string;
  if (rhsGiven !== undefined) rhs = rhsGiven.replace('...', ell);
  else {
    const counts = new Map<string, number>();
    for (const term of expanded) for (const c of term) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = ell + [...counts.entries()].filter(([c, n]) => n === 1 && !ell.includes(c)).map(([c]) => c).sort().join('');
  }
  const letters = [...new Set([...rhs, ...expanded.join('')])];
  const sizes = new Map<string, number>();
  // align each operand to `letters` (diagonals for repeated letters, unsqueeze for missing ones)
  const aligned = expanded.map((term, i) => {
    let t = ops[i]!;
    let cur = term.split('');
    for (let k = 0; k < cur.length; k++) {
      const j = cur.indexOf(cur[k]!, k + 1);
      if (j >= 0) {
        t = t.diagonal(0, k, j);
        const c = cur[k]!;
        cur = cur.filter((_, q) => q !== k && q !== j).concat([c]);
        k = -1;
      }
    }
    cur.forEach((c, d) => {
      const s = t.shape[d]!;
      const prev = sizes.get(c);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new ShapeError(`einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript '${c}' has size ${s} for operand ${i} which does not broadcast with previously seen size ${prev} (operand shapes ${ops.map((o) => fmtShape(o.shape)).join(', ')} for '${equation}')`);
      }
      if (prev === undefined || prev === 1) sizes.set(c, s);
    });
    const perm = letters.filter((c) => cur.includes(c)).map((c) => cur.indexOf(c));
    t = t.permute(perm);
    const present = letters.filter((c) => cur.includes(c));
    const shape = letters.map((c) => (present.includes(c) ? t.shape[present.indexOf(c)]! : 1));
    return t.reshape(shape);
  });
  if (!aligned.every((t) => isFloating(t.dtype) || t.dtype === 'int32')) throw new DTypeError('einsum(): operands must be float or int32 tensors');
  const contracted = letters.map((c, d) => (rhs.includes(c) ? -1 : d)).filter((d) => d >= 0);
  let r: Tensor;
  if (aligned.length === 2 && contracted.length > 0) {
    // a[..., k] * b[..., k] summed over k: a batched matmul over the contracted letters
    const [a, b] = aligned as [Tensor, Tensor];
    const keep = letters.map((_, d) => d).filter((d) => !contracted.includes(d));
    const kSize = contracted.reduce((p, d) => p * (sizes.get(letters[d]!) ?? 1), 1);
    const ap = a.permute([...keep, ...contracted]).expand([...keep.map((d) => a.shape[d]!), ...contracted.map((d) => sizes.get(letters[d]!)!)]);
    const bp = b.permute([...keep, ...contracted]).expand([...keep.map((d) => b.shape[d]!), ...contracted.map((d) => sizes.get(letters[d]!)!)]);
    const outKeep = keep.map((d) => Math.max(a.shape[d]!, b.shape[d]!));
    const am = ap.reshape([...ap.shape.slice(0, keep.length), 1, kSize]);
    const bm = bp.reshape([...bp.shape.slice(0, keep.length), kSize, 1]);
    r = matmul(am, bm).reshape(outKeep);
    const rLetters = keep.map((d) => letters[d]!);
    return r.permute(rhs.split('').map((c) => rLetters.indexOf(c)));
  }
  r = aligned.reduce((p, c) => E.mul(p, c));
  if (contracted.length) r = r.sum(contracted);
  const rLetters = letters.filter((c) => rhs.includes(c));
  return r.permute(rhs.split('').map((c) => rLetters.indexOf(c)));
}
