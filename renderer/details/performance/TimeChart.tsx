// One live time-series chart (uPlot on a canvas): x is seconds before the newest sample, so the last two minutes always
// fill the width; vertical dashed lines mark events (priority changes). Colours come from the theme's CSS variables.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartMark {
  /** Seconds relative to the newest sample (≤ 0). */
  x: number;
  label: string;
}

export interface TimeChartProps {
  label: string;
  xs: number[];
  ys: number[];
  /** The top of the y axis for the data's maximum. */
  yTop: (max: number) => number;
  format: (v: number) => string;
  marks: ChartMark[];
  windowS: number;
  /** CSS variable holding the line colour. */
  colorVar: string;
  height?: number;
}

const css = (el: Element, name: string, fallback: string) => getComputedStyle(el).getPropertyValue(name).trim() || fallback;

/** Follows the OS theme, so the chart is rebuilt with the other palette when it flips. */
function useColorScheme(): string {
  const [scheme, setScheme] = useState(() => (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = () => setScheme(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return scheme;
}

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const scheme = useColorScheme();
  const height = props.height ?? 170;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = css(el, '--text-muted', '#666');
    const grid = css(el, '--chart-grid', 'rgba(128,128,128,.2)');
    const color = css(el, props.colorVar, '#2563eb');
    const markColor = css(el, '--chart-mark', '#b45309');
    const font = `11px ${css(el, '--font', 'system-ui, sans-serif')}`;

    const drawMarks = (u: uPlot) => {
      const ctx = u.ctx;
      const dpr = window.devicePixelRatio || 1;
      const { left, top, width, height: h } = u.bbox;
      ctx.save();
      ctx.strokeStyle = markColor;
      ctx.fillStyle = markColor;
      ctx.lineWidth = dpr;
      ctx.setLineDash([4 * dpr, 3 * dpr]);
      ctx.font = `${11 * dpr}px ${css(el, '--font', 'system-ui, sans-serif')}`;
      for (const m of latest.current.marks) {
        const x = Math.round(u.valToPos(m.x, 'x', true));
        if (x < left || x > left + width) continue;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + h);
        ctx.stroke();
        ctx.fillText(m.label, Math.min(x + 4 * dpr, left + width - 30 * dpr), top + 12 * dpr);
      }
      ctx.restore();
    };

    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: false, range: () => [-latest.current.windowS, 0] },
        y: { range: (_u, _min, max) => [0, latest.current.yTop(Number.isFinite(max) ? max : 0)] },
      },
      axes: [
        {
          stroke: text,
          font,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          incrs: [15, 30, 60],
          values: (_u, splits) => splits.map((v) => (v === 0 ? 'now' : `${v}s`)),
        },
        {
          stroke: text,
          font,
          size: 64,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          values: (_u, splits) => splits.map((v) => latest.current.format(v)),
        },
      ],
      series: [{}, { label: props.label, stroke: color, width: 1.5, fill: `${color}22`, points: { show: false } }],
      hooks: { draw: [drawMarks] },
    };
    const u = new uPlot(opts, [latest.current.xs, latest.current.ys], el);
    plot.current = u;
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only for a new palette or height; data flows in through setData below.
  }, [scheme, height, props.colorVar, props.label]);

  useEffect(() => {
    plot.current?.setData([props.xs, props.ys]);
  }, [props.xs, props.ys, props.marks]);

  return <div ref={box} className="chart" role="img" aria-label={props.label} />;
}
