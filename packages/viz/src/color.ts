import type { BlockStatus, PoolStatus } from './state.js';

/** Hue of a size class: classes spread over the colour wheel, neighbours apart. */
export function classHue(szidx: number): number {
  // Golden-angle steps keep adjacent classes visibly different.
  return Math.round((szidx * 137.508) % 360) % 360;
}

/** Fill of a pool cell: the class hue, darker the fuller; grey when untouched. */
export function poolFill(status: PoolStatus, szidx: number): string {
  if (status === 'untouched' || szidx < 0) return '#eceff1';
  const h = classHue(szidx);
  switch (status) {
    case 'full':
      return `hsl(${h} 70% 38%)`;
    case 'used':
      return `hsl(${h} 70% 62%)`;
    case 'empty':
      return `hsl(${h} 35% 90%)`;
  }
}

/** Fill of a block cell. */
export const BLOCK_FILL: Readonly<Record<BlockStatus, string>> = {
  allocated: '#3b6fb6',
  free: '#f2c14e',
  untouched: '#eceff1',
};

/** Escapes text for SVG/HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `0x7fb59fd40000`. */
export function hexAddr(address: number): string {
  return `0x${address.toString(16)}`;
}
