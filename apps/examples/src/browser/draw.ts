/** Canvas drawing for the demo: the loss curve and a grid of digits with predicted labels. */

/** Draws `losses` (one per step) with axes; vertical ticks mark the start of each epoch. */
export function drawLossCurve(canvas: HTMLCanvasElement, losses: readonly number[], epochStarts: readonly number[], totalSteps: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  const left = 46, right = 12, top = 10, bottom = 28;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const maxLoss = Math.max(2.5, ...losses.filter(Number.isFinite));
  const n = Math.max(totalSteps, losses.length, 2);
  const x = (i: number) => left + (i / (n - 1)) * (W - left - right);
  const y = (v: number) => top + (1 - Math.min(v, maxLoss) / maxLoss) * (H - top - bottom);
  // grid and labels
  ctx.font = '11px system-ui, sans-serif';
  ctx.strokeStyle = '#e6e6e6';
  ctx.fillStyle = '#666';
  ctx.lineWidth = 1;
  for (let k = 0; k <= 5; k++) {
    const v = (maxLoss * k) / 5;
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(W - right, y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(2), 6, y(v) + 4);
  }
  ctx.strokeStyle = '#bbb';
  for (const [e, s] of epochStarts.entries()) {
    if (e === 0) continue;
    ctx.beginPath();
    ctx.moveTo(x(s), top);
    ctx.lineTo(x(s), H - bottom);
    ctx.stroke();
  }
  ctx.fillText('0', left - 3, H - 12);
  ctx.textAlign = 'right';
  ctx.fillText(`${n} steps`, W - right, H - 12);
  ctx.textAlign = 'left';
  // raw losses, then a moving average on top
  const line = (vals: readonly number[], color: string, width: number) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    vals.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke();
  };
  line(losses, '#9ec5fe', 1);
  const avg: number[] = [];
  let acc = 0;
  for (let i = 0; i < losses.length; i++) {
    acc = i === 0 ? losses[0]! : 0.9 * acc + 0.1 * losses[i]!;
    avg.push(acc);
  }
  line(avg, '#0b5ed7', 2);
}

/** Draws 28×28 byte images in a grid, each with its predicted label (green when right, red when wrong). */
export function drawDigits(canvas: HTMLCanvasElement, bytes: Uint8Array, labels: Int32Array, predictions: ArrayLike<number> | null, count: number): void {
  const ctx = canvas.getContext('2d')!;
  const scale = 2, cell = 28 * scale + 8, cols = Math.floor(canvas.width / cell);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.createImageData(28, 28);
  const tmp = document.createElement('canvas');
  tmp.width = tmp.height = 28;
  const tctx = tmp.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.font = 'bold 14px system-ui, sans-serif';
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < 784; p++) {
      const v = 255 - bytes[k * 784 + p]!;
      img.data.set([v, v, v, 255], p * 4);
    }
    tctx.putImageData(img, 0, 0);
    const cx = (k % cols) * cell + 4, cy = Math.floor(k / cols) * (cell + 16) + 4;
    ctx.drawImage(tmp, cx, cy, 28 * scale, 28 * scale);
    if (predictions) {
      const right = predictions[k] === labels[k];
      ctx.fillStyle = right ? '#0a7d32' : '#c62828';
      ctx.fillText(right ? `${predictions[k]}` : `${predictions[k]} (${labels[k]})`, cx + 2, cy + 28 * scale + 14);
    }
  }
}
