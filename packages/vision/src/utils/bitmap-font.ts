/**
 * A 3×5 pixel font for digits (and '-'), enough to label sample grids without a font library.
 * @packageDocumentation
 */

/** Rows of each glyph, 3 bits per row (MSB = left pixel). */
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7], '-': [0, 0, 7, 0, 0],
};

/** Glyph size in font pixels. */
export const GLYPH_WIDTH = 3, GLYPH_HEIGHT = 5;

/**
 * Draws `text` into a 1-byte-per-pixel canvas at (x, y) with `scale`× pixels; characters without
 * a glyph are skipped (leaving a space).
 */
export function drawText(canvas: Uint8Array, canvasWidth: number, text: string, x: number, y: number, scale = 1, value = 255): void {
  const height = canvas.length / canvasWidth;
  [...text].forEach((ch, n) => {
    const rows = GLYPHS[ch];
    if (!rows) return;
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!((rows[r]! >> (GLYPH_WIDTH - 1 - col)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (n * (GLYPH_WIDTH + 1) + col) * scale + dx, py = y + r * scale + dy;
            if (px >= 0 && px < canvasWidth && py >= 0 && py < height) canvas[py * canvasWidth + px] = value;
          }
        }
      }
    }
  });
}

/** Width in canvas pixels of `text` at `scale`. */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}
