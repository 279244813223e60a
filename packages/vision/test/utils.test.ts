import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arange, tensor } from '@kiln/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { Dataset } from '@kiln/data';
import { decodeImage, encodePng, utils, type RawImage } from '../src/index.js';
import fx from './fixtures/vision_datasets.json' with { type: 'json' };

const tmp = mkdtempSync(join(tmpdir(), 'kiln-utils-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// Same batch as the python script: arange(36).reshape(6, 1, 3, 2) / 7 - 1
const batch = () => arange(36, { dtype: 'float32' }).reshape([6, 1, 3, 2]).div(7).sub(1);

describe('makeGrid / saveImage match torchvision', () => {
  it.each(fx.make_grid.map((c) => [JSON.stringify(c.options), c] as const))('makeGrid %s', (_l, c) => {
    const g = utils.makeGrid(batch(), c.options as never);
    expect(g.shape).toEqual(c.shape);
    const got = g.dataSync();
    c.values.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-6));
  });
  it('saveImage writes the PNG torchvision writes', () => {
    const path = join(tmp, 'grid.png');
    utils.saveImage(batch().slice(0, 0, 4), path, { nrow: 2, normalize: true });
    const img = decodeImage(readFileSync(path));
    expect([img.height, img.width, img.channels]).toEqual(fx.save_image_shape);
    expect(Array.from(img.data)).toEqual(fx.save_image);
  });
  it('a single image is returned as is; bad input is rejected', () => {
    expect(utils.makeGrid(tensor([[[0.5]]], { dtype: 'float32' })).shape).toEqual([3, 1, 1]);
    expect(() => utils.makeGrid(arange(4, { dtype: 'float32' }))).toThrow(/expected a 2-, 3- or 4-D tensor/);
  });
});

describe('drawSampleGrid', () => {
  class Digits extends Dataset<[RawImage, number]> {
    override getItem(i: number): [RawImage, number] {
      return [{ data: new Uint8Array(16).fill(i * 20), width: 4, height: 4, channels: 1 }, i];
    }
    override get length() {
      return 12;
    }
  }
  it('lays out cells with images and bitmap labels, and round-trips through PNG', () => {
    const img = utils.drawSampleGrid(new Digits(), { count: 10, nrow: 5, scale: 3, padding: 2 });
    // cell: 12×12 image + label strip of (5 + 2) × 2 = 14 rows
    expect([img.width, img.height, img.channels]).toEqual([5 * 14 + 2, 2 * (12 + 14 + 2) + 2, 1]);
    // top-left pixel of cell 7 (row 1, col 2) holds sample 7's value
    expect(img.data[(28 + 2) * img.width + 2 * 14 + 2]).toBe(140);
    // the label strip under cell 0 contains white glyph pixels ("0"), the padding does not
    const strip = Array.from({ length: 14 }, (_, r) => img.data.subarray((2 + 12 + r) * img.width + 2, (2 + 12 + r) * img.width + 14));
    expect(strip.some((row) => row.includes(255))).toBe(true);
    expect(img.data[0]).toBe(40);
    const back = decodeImage(encodePng(img), 'L');
    expect(back.data).toEqual(img.data);
  });
  it('drawText renders known glyph pixels', () => {
    const canvas = new Uint8Array(4 * 5);
    utils.drawText(canvas, 4, '7', 0, 0);
    expect(Array.from(canvas)).toEqual([255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0]);
    expect(utils.textWidth('10', 2)).toBe(14);
  });
});

describe('makeGrid dtype', () => {
  it('keeps int32 (uint8-like) images int32 unless normalizing', () => {
    const imgs = tensor([[[[1, 2]]], [[[3, 4]]]]);
    const g = utils.makeGrid(imgs, { padding: 1, padValue: 9 });
    expect(g.dtype).toBe('int32');
    expect(g.tolist()).toEqual(Array(3).fill([[9, 9, 9, 9, 9, 9, 9], [9, 1, 2, 9, 3, 4, 9], [9, 9, 9, 9, 9, 9, 9]]));
    expect(utils.makeGrid(imgs, { normalize: true }).dtype).toBe('float32');
  });
});
