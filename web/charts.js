// Bar charts as plain SVG, built node by node like the rest of the page (no markup parsing, no inline
// style: colours come from classes in styles.css, so the strict CSP holds and print can restyle them).
// Every bar is a link, so a chart is also a way into the list it counts.
import { formatNumber } from './format.js';

const svgNs = 'http://www.w3.org/2000/svg';

/** s('rect', { x: 1 }, child…): an SVG element; strings become text nodes. */
export function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      element.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }
  return element;
}

const height = 180;
const top = 22;
const bottom = 40;

/**
 * bars: [{ label, value, href, tone, description }]. Bars scale to the largest value; a zero still gets
 * a sliver and its link, so every segment can be reached.
 */
export function barChart({ title, bars, wide = false }) {
  // One drawing width per size, so the text comes out the same size in every chart of a size.
  const width = wide ? 800 : 400;
  const slot = width / bars.length;
  const barWidth = Math.min(slot - 12, 64);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = height - top - bottom;
  const nodes = bars.map((bar, i) => {
    const barHeight = Math.max(2, Math.round((bar.value / max) * plot));
    const x = i * slot + (slot - barWidth) / 2;
    const y = top + plot - barHeight;
    const name = `${bar.description ?? bar.label}: ${formatNumber(bar.value)}`;
    return s(
      'a',
      { href: bar.href, class: 'chart-bar', 'aria-label': name, 'data-value': bar.value },
      s('title', {}, name),
      s('rect', { x, y, width: barWidth, height: barHeight, rx: 3, class: `tone-${bar.tone ?? 'brand'}` }),
      s(
        'text',
        { x: x + barWidth / 2, y: y - 6, class: 'chart-value', 'text-anchor': 'middle' },
        formatNumber(bar.value),
      ),
      s(
        'text',
        { x: x + barWidth / 2, y: height - bottom + 16, class: 'chart-label', 'text-anchor': 'middle' },
        bar.label,
      ),
    );
  });
  const figure = document.createElement('figure');
  figure.className = wide ? 'chart chart-wide' : 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(
    caption,
    s(
      'svg',
      {
        viewBox: `0 0 ${width} ${height}`,
        role: 'group',
        'aria-label': title,
        class: 'chart-svg',
        preserveAspectRatio: 'xMinYMid meet',
      },
      s('line', { x1: 0, x2: width, y1: top + plot, y2: top + plot, class: 'chart-axis' }),
      nodes,
    ),
  );
  return figure;
}
