/**
 * A tiny SVG line of the windows that have ended (the still-filling one is left out, so a half
 * window never reads as a drop); decorative: the tile states the number in text.
 */
export function Sparkline({
  values,
  color,
  lastTs,
}: {
  values: number[];
  color: string;
  lastTs: string | undefined;
}) {
  const attrs = {
    className: 'sparkline',
    'aria-hidden': true,
    'data-points': values.length,
    'data-last-ts': lastTs ?? '',
  };
  if (values.length < 2) return <svg {...attrs} />;
  const w = 120;
  const h = 32;
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const step = w / (values.length - 1);
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`,
  );
  return (
    <svg {...attrs} viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none">
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
