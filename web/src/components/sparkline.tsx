/** A tiny SVG line of the last points; decorative (the tile states the number in text). */
export function Sparkline({ values, color }: { values: number[]; color: string }) {
  if (values.length < 2) return <svg className="sparkline" aria-hidden="true" />;
  const w = 120;
  const h = 32;
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const step = w / (values.length - 1);
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`,
  );
  return (
    <svg className="sparkline" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
      <polyline
        points={points.join(' ')}
        fill="none"
        stroke={color}
        strokeWidth="2"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}
