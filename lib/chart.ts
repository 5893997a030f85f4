import type { TierCapacity } from './capacity';
import { CLOUD_LABEL, type Cloud } from './constants';
import type { PlanReport } from './plan';
import type { ResolvedSpec } from './resolve';

/*
 * `blueprint plan --chart FILE.svg`: each tier's utilisation against traffic, one panel per
 * cloud. Utilisation grows linearly with requests/s, so each tier is a line from the origin
 * through 100% at the rate where it saturates; the first one to saturate is ringed. Plain SVG
 * text, deterministic, no renderer.
 */

const WIDTH = 760;
const PANEL = 230;
const LEFT = 64;
const RIGHT = 24;
const TOP = 34;
const PLOT_H = 150;
const MAX_UTIL = 150;
const COLORS = ['#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number) => (Math.round(n * 10) / 10).toString();

/** A round axis end at or above `n` (1, 2 or 5 times a power of ten). */
function niceCeil(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= n) ?? 10 * p) as number;
}

function panel(
  cloud: Cloud,
  tiers: readonly TierCapacity[],
  peak: number,
  xMax: number,
  y0: number,
  colors: Map<string, string>,
) {
  const plotW = WIDTH - LEFT - RIGHT;
  const x = (rps: number) => LEFT + (rps / xMax) * plotW;
  const y = (util: number) => y0 + TOP + PLOT_H - (Math.min(util, MAX_UTIL) / MAX_UTIL) * PLOT_H;
  const linear = tiers.filter((t) => t.saturatesAtRps !== null);
  const first = [...linear].sort((a, b) => (a.saturatesAtRps ?? 0) - (b.saturatesAtRps ?? 0))[0];
  const parts: string[] = [];
  const title = first
    ? `${CLOUD_LABEL[cloud]}: ${first.tier} saturates first, at ${num(first.saturatesAtRps ?? 0)} req/s`
    : `${CLOUD_LABEL[cloud]}`;
  parts.push(`<text x="${LEFT}" y="${y0 + 20}" class="title">${esc(title)}</text>`);
  parts.push(`<rect x="${LEFT}" y="${y0 + TOP}" width="${plotW}" height="${PLOT_H}" class="plot"/>`);
  for (let i = 0; i <= 5; i++) {
    const rps = (xMax * i) / 5;
    parts.push(
      `<text x="${fixed(x(rps))}" y="${y0 + TOP + PLOT_H + 16}" class="tick" text-anchor="middle">${num(rps)}</text>`,
    );
  }
  for (const util of [0, 50, 100, 150]) {
    parts.push(`<text x="${LEFT - 6}" y="${fixed(y(util) + 4)}" class="tick" text-anchor="end">${util}%</text>`);
  }
  parts.push(`<line x1="${LEFT}" y1="${fixed(y(100))}" x2="${LEFT + plotW}" y2="${fixed(y(100))}" class="full"/>`);
  parts.push(
    `<line x1="${fixed(x(peak))}" y1="${y0 + TOP}" x2="${fixed(x(peak))}" y2="${y0 + TOP + PLOT_H}" class="peak"/>`,
  );
  parts.push(
    `<text x="${fixed(x(peak))}" y="${y0 + TOP - 4}" class="tick" text-anchor="middle">peak ${num(peak)} req/s</text>`,
  );
  for (const t of linear) {
    const sat = t.saturatesAtRps as number;
    // The line leaves the plot at the right edge or at the top (150%), whichever comes first.
    const end = Math.min(xMax, (sat * MAX_UTIL) / 100);
    const color = colors.get(t.tier) ?? '#000';
    parts.push(
      `<line x1="${LEFT}" y1="${fixed(y(0))}" x2="${fixed(x(end))}" y2="${fixed(y((end / sat) * 100))}" stroke="${color}" class="tier"/>`,
    );
    if (sat <= xMax) {
      parts.push(`<circle cx="${fixed(x(sat))}" cy="${fixed(y(100))}" r="4" fill="${color}"/>`);
      if (t === first) parts.push(`<circle cx="${fixed(x(sat))}" cy="${fixed(y(100))}" r="9" class="first"/>`);
    }
  }
  const other = tiers.filter((t) => t.saturatesAtRps === null);
  const note = other
    .map(
      (t) =>
        `${t.tier} ${num(t.needed)} / ${t.available === null ? 'pooled' : num(t.available)}${t.ok ? '' : ' SHORT'}`,
    )
    .join(' · ');
  if (note)
    parts.push(
      `<text x="${LEFT}" y="${y0 + TOP + PLOT_H + 34}" class="note">not driven by requests/s: ${esc(note)}</text>`,
    );
  return parts.join('\n');
}

/** The chart of a plan with traffic, one panel per cloud of the spec. */
export function capacityChart(spec: ResolvedSpec, report: PlanReport): string {
  const peak = report.traffic?.peakRequestsPerSecond ?? 0;
  const firsts = Object.values(report.firstToSaturate).map((t) => t?.saturatesAtRps ?? 0);
  const xMax = niceCeil(Math.max(peak * 1.25, Math.min(...firsts, peak * 4) * 1.2, 1));
  const tierNames = [...new Set(report.capacity.filter((t) => t.saturatesAtRps !== null).map((t) => t.tier))];
  const colors = new Map(tierNames.map((t, i) => [t, COLORS[i % COLORS.length] as string]));
  const panels = spec.clouds.map((c, i) =>
    panel(
      c,
      report.capacity.filter((t) => t.cloud === c),
      peak,
      xMax,
      i * PANEL,
      colors,
    ),
  );
  const legendY = spec.clouds.length * PANEL + 10;
  const legend = tierNames
    .map((t, i) => {
      const lx = LEFT + (i % 2) * 330;
      const ly = legendY + Math.floor(i / 2) * 18;
      return `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${colors.get(t)}" class="tier"/><text x="${lx + 28}" y="${ly + 4}" class="tick">${esc(t)}</text>`;
    })
    .join('\n');
  const height = legendY + Math.ceil(tierNames.length / 2) * 18 + 30;
  const caption = `${spec.name} (${spec.environment}): utilisation of each tier vs requests/s. Estimate from lib/assumptions.ts; x axis in requests/s.`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:14px;font-weight:bold}.tick{font-size:11px;fill:#333}.note{font-size:10px;fill:#555}.plot{fill:#fafafa;stroke:#999}.full{stroke:#c00;stroke-dasharray:5 3}.peak{stroke:#333;stroke-dasharray:2 3}.tier{stroke-width:2.5}.first{fill:none;stroke:#c00;stroke-width:2}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...panels,
    legend,
    `<text x="${LEFT}" y="${height - 10}" class="note">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
