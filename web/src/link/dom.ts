// A tiny element builder: the light pages render with the DOM alone, no framework to download.
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean | ((event: Event) => void)>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) element.setAttribute(key, '');
    else if (typeof value === 'string') element.setAttribute(key, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

let ids = 0;
/** A labelled input: the label names it for screen readers and enlarges the touch target. */
export function field(label: string, input: Record<string, string | boolean>, hint?: string) {
  const id = `f${++ids}`;
  const control =
    input.type === 'textarea' ? h('textarea', { id, ...input, type: false }) : h('input', { id, ...input });
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return {
    control: control as HTMLInputElement,
    element: h(
      'p',
      { class: 'field' },
      h('label', { for: id }, label),
      control,
      hint ? h('small', { id: hintId ?? '' }, hint) : null,
    ),
  };
}
