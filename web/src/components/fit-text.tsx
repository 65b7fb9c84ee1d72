import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/**
 * One line of text that never overflows its box: shows the first of `forms` (longest first) whose
 * rendered width fits, measured in the page (scrollWidth <= clientWidth) after each change of the
 * forms or of the box's width; the last form is the fallback. `title` is the tooltip (the full value).
 */
export function FitText({ forms, title, className }: { forms: string[]; title: string; className: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [width, setWidth] = useState(0);
  const key = `${width}|${forms.join('\u0000')}`;
  const [fit, setFit] = useState({ key: '', index: 0 });
  const index = fit.key === key ? fit.index : 0;
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const overflows = el.scrollWidth > el.clientWidth;
    if (overflows && index < forms.length - 1) setFit({ key, index: index + 1 });
    else if (fit.key !== key) setFit({ key, index });
  });
  useEffect(() => {
    const el = ref.current;
    if (el === null) return undefined;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <p ref={ref} className={className} title={title} data-form={index}>
      {forms[index]}
    </p>
  );
}
